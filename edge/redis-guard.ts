import { StoreUnavailableError } from "./problems";

/**
 * What one Redis database may cost this isolate when it stalls or makes calls wait, with its
 * defaults. The deadline (shared/deadlines.ts) bounds each call; these bound how many calls
 * wait for it.
 */
export interface RedisGuardLimits {
  /**
   * Silent deadline misses in a row after which the breaker opens: 3. A miss is silent when
   * the database answered no call at all while this one waited: what a stalled database does.
   * One miss can be a blip; a stalled database makes every call in flight miss at once.
   */
  tripAfterMisses: number;
  /**
   * How long the breaker stays open, answering 503 without calling, before one probe may go,
   * in ms: 5,000, the `Retry-After` every 503 carries, so viewers come back when it may close.
   */
  coolDownMs: number;
  /**
   * Calls in flight to the database beyond which new ones are refused at once: 256. A safety
   * bound on what a stalled database holds (requests, sockets, memory) in the deadline before
   * the breaker opens, not a latency signal: the busiest isolate (about 800 heartbeats/s at
   * 1.26 ms of CPU each) holds about 40 calls in flight to a database answering in 50 ms, and
   * would pile up 800 on a stalled one. (A budget that refused calls once the oldest had waited
   * 250 ms refused healthy heartbeats under wrangler dev: an isolate busy with 400 requests
   * answers its own calls late, and call ages cannot tell that from a slow database.)
   */
  maxInFlight: number;
  /**
   * How long a call may stay unsettled before it stops counting as in flight, in ms: 10,000,
   * five times the longest edge deadline (2 s). In workerd a request the client cancels can
   * be dropped with its continuations, so a call may never report back; without a lease its
   * place in the budget, or a probe, would be held for good.
   */
  callLeaseMs: number;
  /** At most one log line per database this often, in ms: 10,000. */
  logIntervalMs: number;
}

export const REDIS_GUARD_LIMITS: RedisGuardLimits = {
  tripAfterMisses: 3,
  coolDownMs: 5_000,
  maxInFlight: 256,
  callLeaseMs: 10_000,
  logIntervalMs: 10_000,
};

export interface RedisGuardOptions {
  /** The database's index in `config.redisDatabases`, for the log line. */
  database: number;
  /** The app's clock, epoch ms: the breaker's cool-down, call leases and the log interval. */
  now: () => number;
  /** Where the once-per-interval summary goes. */
  log: (summary: string) => void;
  /**
   * False: no breaker and no in-flight budget, every call waits for its deadline as before
   * (`REDIS_LOAD_SHEDDING=false`, to measure the difference). Failures are still summarised.
   */
  shedLoad?: boolean;
  /**
   * The database's command budget for this isolate, commands/s (REDIS_COMMANDS_PER_SEC): calls
   * beyond it are answered 503 at once instead of being sent to a database that would make them
   * wait (Upstash throttles by slowing down) until their deadline. Counted in commands as Upstash
   * bills them, which each call declares (a pipeline of 5 costs 5; a script EVALSHA plus its
   * commands), not in calls: the plan's cap is in commands. A token bucket holding one second of
   * the rate. Absent: no budget. Only with `shedLoad`.
   */
  commandsPerSec?: number;
  limits?: Partial<RedisGuardLimits>;
}

/**
 * The breaker, as a small state machine. `closed`: calls go, counting consecutive silent
 * deadline misses. `open`: none goes until `untilMs`. `probing`: one call went (at `sinceMs`)
 * to see whether the database answers again; the others are refused until it returns or its
 * lease ends.
 */
type Breaker =
  | { state: "closed"; misses: number }
  | { state: "open"; untilMs: number }
  | { state: "probing"; sinceMs: number };

/** Why a call was refused without being sent. */
type Refusal = "breaker open" | "over budget" | "over its command budget";

export interface RedisGuard {
  /**
   * Runs one Redis call (one HTTP request to Upstash, already under its deadline), or refuses
   * it at once. Any failure, and any refusal, throws {@link StoreUnavailableError} (503).
   * `commands`: what the call is billed, and so costs of the command budget (default 1: one
   * command; edge/redis-client.ts `redisCall` passes a pipeline's or script's).
   */
  call<T>(run: () => Promise<T>, commands?: number): Promise<T>;
  /** The breaker's state (always `closed` without `shedLoad`), for tests and logs. */
  readonly state: Breaker["state"];
}

/**
 * Guards the calls of one isolate to one Redis database (one per database, in its isolate
 * state), so that a database that stalls or throttles costs a bounded number of requests that
 * wait for the deadline, and nothing for its neighbours:
 *
 * - a **breaker**: after `tripAfterMisses` calls in a row ran out of their deadline while the
 *   database answered nothing at all, every call is answered 503 at once for `coolDownMs`; then
 *   one probe goes, and the first call that comes back in time (an answer or an error: the
 *   database is there) closes it. Misses while other calls were answered do not count: they
 *   are this isolate too busy to read its answers in time (wrangler dev with 400 requests at
 *   once on 2 cores missed 1 s deadlines of a database that answered in ms), and refusing the
 *   database would only add refusals;
 * - an **in-flight budget**: at most `maxInFlight` calls wait on the database at once; more are
 *   answered 503 at once, before any deadline, however fast they arrive;
 * - a **command budget** (`commandsPerSec`): calls beyond the database's rate are answered 503
 *   at once, with `Retry-After: 1`, before the database would queue them past their deadline;
 * - a **summary**: failures are counted and logged once per `logIntervalMs`, never a line (or a
 *   stack) per request: under wrangler dev a stack per failed request blocked the isolate for
 *   seconds, and in production each line is a billed log event.
 *
 * Plain numbers in isolate memory: no request ever waits on another request's promise, which
 * workerd forbids.
 */
export function createRedisGuard(options: RedisGuardOptions): RedisGuard {
  const limits = { ...REDIS_GUARD_LIMITS, ...options.limits };
  const shedLoad = options.shedLoad ?? true;
  let breaker: Breaker = { state: "closed", misses: 0 };
  const budget = commandBudget(options.commandsPerSec);
  /** When each call in flight started (epoch ms): one entry per call, until it settles. */
  const inFlight = new Set<{ startedAtMs: number }>();
  /** Calls that came back in time, ever: a miss is silent if none did while it waited. */
  let answers = 0;
  const tally = {
    missed: 0,
    failed: 0,
    refused: 0,
    opened: 0,
    last: "",
    sinceMs: 0,
    loggedAtMs: -Infinity,
  };

  function admit(nowMs: number, commands: number): Refusal | "probe" | "call" {
    if (!shedLoad) return "call";
    if (breaker.state === "probing" && nowMs < breaker.sinceMs + limits.callLeaseMs) {
      return "breaker open";
    }
    if (breaker.state === "open" && nowMs < breaker.untilMs) return "breaker open";
    if (breaker.state !== "closed") {
      breaker = { state: "probing", sinceMs: nowMs };
      return "probe";
    }
    if (inFlight.size >= limits.maxInFlight) forgetExpiredCalls(nowMs);
    if (inFlight.size >= limits.maxInFlight) return "over budget";
    return budget.take(commands, nowMs) ? "call" : "over its command budget";
  }

  /** Drops calls in flight past their lease: their requests were cancelled, not answered. */
  function forgetExpiredCalls(nowMs: number): void {
    for (const call of inFlight) {
      if (nowMs - call.startedAtMs >= limits.callLeaseMs) inFlight.delete(call);
    }
  }

  /** A call came back in time (an answer, or an error from a database that is there). */
  function answered(nowMs: number): void {
    answers += 1;
    breaker = { state: "closed", misses: 0 };
    summarise(nowMs);
  }

  /** A call ran out of its deadline; `silent`: the database answered nothing meanwhile. */
  function missed(probe: boolean, silent: boolean, nowMs: number): void {
    if (!shedLoad) return;
    const misses = breaker.state === "closed" && silent ? breaker.misses + 1 : 0;
    if (probe || misses >= limits.tripAfterMisses) {
      breaker = { state: "open", untilMs: nowMs + limits.coolDownMs };
      tally.opened += 1;
    } else if (misses > 0) {
      breaker = { state: "closed", misses };
    }
  }

  function count(kind: "missed" | "failed" | "refused", detail: string, nowMs: number): void {
    if (tally.missed + tally.failed + tally.refused === 0) tally.sinceMs = nowMs;
    tally[kind] += 1;
    tally.last = detail;
    summarise(nowMs);
  }

  /** Logs what failed since the last line, if anything did and the interval has passed. */
  function summarise(nowMs: number): void {
    const total = tally.missed + tally.failed + tally.refused;
    if (total === 0 || nowMs - tally.loggedAtMs < limits.logIntervalMs) return;
    const seconds = ((nowMs - tally.sinceMs) / 1000).toFixed(1);
    options.log(
      `database ${options.database}: ${total} calls failed in ${seconds} s ` +
        `(${tally.missed} missed the deadline, ${tally.failed} failed, ` +
        `${tally.refused} refused unsent); breaker opened ${tally.opened} times, now ${breaker.state}; ` +
        `last: ${tally.last}`,
    );
    tally.missed = tally.failed = tally.refused = tally.opened = 0;
    tally.loggedAtMs = nowMs;
  }

  return {
    get state() {
      return breaker.state;
    },
    async call<T>(run: () => Promise<T>, commands = 1): Promise<T> {
      const admission = admit(options.now(), commands);
      if (admission !== "call" && admission !== "probe") {
        const refusal = new Error(`redis database ${options.database}: ${admission}, not sent`);
        count("refused", refusal.message, options.now());
        throw new StoreUnavailableError("redis", {
          cause: refusal,
          counted: true,
          // The budget refills within a second; a breaker's cool-down is longer.
          ...(admission === "over its command budget" ? { retryAfterSec: 1 } : {}),
        });
      }
      const call = { startedAtMs: options.now() };
      inFlight.add(call);
      const answersBefore = answers;
      try {
        const result = await run();
        answered(options.now());
        return result;
      } catch (error) {
        const nowMs = options.now();
        if (isDeadlineMiss(error)) {
          missed(admission === "probe", answers === answersBefore, nowMs);
          count("missed", describe(error), nowMs);
        } else {
          answered(nowMs);
          count("failed", describe(error), nowMs);
        }
        throw new StoreUnavailableError("redis", { cause: error, counted: true });
      } finally {
        inFlight.delete(call);
      }
    },
  };
}

/**
 * A token bucket of `commandsPerSec` tokens, refilled continuously (one second's worth at
 * most, so an idle isolate may burst one second of the rate); without a rate, always true. A
 * call that costs more than the bucket holds (a platform total over many stages, under a small
 * budget) goes when the bucket is full and leaves it in debt, which the refill repays before
 * anything else goes: it could never go otherwise, and the rate over time still holds.
 */
function commandBudget(commandsPerSec: number | undefined) {
  let tokens = commandsPerSec ?? 0;
  let atMs: number | undefined;
  return {
    take(commands: number, nowMs: number): boolean {
      if (commandsPerSec === undefined) return true;
      tokens = Math.min(
        commandsPerSec,
        // A clock that stepped back refills nothing (and takes nothing).
        tokens + (Math.max(0, nowMs - (atMs ?? nowMs)) * commandsPerSec) / 1000,
      );
      atMs = Math.max(atMs ?? nowMs, nowMs);
      if (tokens < Math.min(commands, commandsPerSec)) return false;
      tokens -= commands;
      return true;
    },
  };
}

/** Whether a call failed because its deadline aborted it (`AbortSignal.timeout`), at any depth. */
export function isDeadlineMiss(error: unknown): boolean {
  for (let at = error, depth = 0; at instanceof Object && depth < 5; depth++) {
    const name = (at as { name?: unknown }).name;
    if (name === "TimeoutError" || name === "AbortError") return true;
    at = (at as { cause?: unknown }).cause;
  }
  return false;
}

/** One line for a log: the error's name and message, no stack. */
function describe(error: unknown): string {
  if (error instanceof Error || (error instanceof Object && "message" in error)) {
    const { name, message } = error as { name?: unknown; message?: unknown };
    return `${String(name ?? "Error")}: ${String(message)}`.slice(0, 300);
  }
  return String(error).slice(0, 300);
}
