import { StoreUnavailableError } from "./problems";
import { type BreakerState, createBreaker } from "./redis-guard/breaker";
import { callsInFlight } from "./redis-guard/calls-in-flight";
import { commandBudget } from "./redis-guard/command-budget";
import { failureSummary } from "./redis-guard/failure-summary";

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
  readonly state: BreakerState;
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
  const breaker = createBreaker(limits);
  const inFlight = callsInFlight(limits);
  const budget = commandBudget(options.commandsPerSec);
  const summary = failureSummary({
    database: options.database,
    intervalMs: limits.logIntervalMs,
    log: options.log,
    breakerState: () => breaker.state,
  });

  function answered(nowMs: number): void {
    breaker.answered();
    summary.summarise(nowMs);
  }

  /** Counts a failed call, and feeds a deadline miss to the breaker. */
  function failed(error: unknown, probe: boolean, silent: boolean): void {
    const nowMs = options.now();
    if (isDeadlineMiss(error)) {
      if (shedLoad && breaker.missed(probe, silent, nowMs)) summary.opened();
      summary.count("missed", describe(error), nowMs);
    } else {
      answered(nowMs);
      summary.count("failed", describe(error), nowMs);
    }
  }

  /** A call refused unsent, counted, as the 503 it answers. */
  function refused(refusal: Refusal): StoreUnavailableError {
    const cause = new Error(`redis database ${options.database}: ${refusal}, not sent`);
    summary.count("refused", cause.message, options.now());
    return refusalError(refusal, cause);
  }

  return {
    get state() {
      return breaker.state;
    },
    async call<T>(run: () => Promise<T>, commands = 1): Promise<T> {
      const admission = admit({ shedLoad, breaker, inFlight, budget }, options.now(), commands);
      if (admission !== "call" && admission !== "probe") throw refused(admission);
      const call = inFlight.start(options.now());
      const answersBefore = breaker.answers;
      try {
        const result = await run();
        answered(options.now());
        return result;
      } catch (error) {
        failed(error, admission === "probe", breaker.answers === answersBefore);
        throw new StoreUnavailableError("redis", { cause: error, counted: true });
      } finally {
        inFlight.end(call);
      }
    },
  };
}

/**
 * Whether a call may go at `nowMs`, as any or as the breaker's probe, or why not: the breaker
 * first (a probe goes whatever the budgets say), then the calls in flight, then the commands.
 * Without `shedLoad`, every call goes.
 */
function admit(
  guard: {
    shedLoad: boolean;
    breaker: ReturnType<typeof createBreaker>;
    inFlight: ReturnType<typeof callsInFlight>;
    budget: ReturnType<typeof commandBudget>;
  },
  nowMs: number,
  commands: number,
): Refusal | "probe" | "call" {
  if (!guard.shedLoad) return "call";
  const admission = guard.breaker.admit(nowMs);
  if (admission !== "call") return admission;
  if (guard.inFlight.full(nowMs)) return "over budget";
  return guard.budget.take(commands, nowMs) ? "call" : "over its command budget";
}

/** The 503 a call refused unsent answers. */
function refusalError(refusal: Refusal, cause: Error): StoreUnavailableError {
  return new StoreUnavailableError("redis", {
    cause,
    counted: true,
    // The budget refills within a second; a breaker's cool-down is longer.
    ...(refusal === "over its command budget" ? { retryAfterSec: 1 } : {}),
  });
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
