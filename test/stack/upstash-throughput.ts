/**
 * A plan's commands-per-second cap, as the local Upstash proxy enforces it, and the error it
 * answers with.
 *
 * WHAT UPSTASH DOCUMENTS (read in the upstash/docs repository, which upstash.com/docs serves):
 * - "Pricing & Limits" (upstash.com/docs/redis/overall/pricing): every plan has a "Max Req Per
 *   Sec", 10,000 (16,000 on Fixed 100GB and 500GB); an earlier version of the page calls it
 *   "Max Commands Per Second: the number of commands that your database can process per
 *   second". What happens above it: the FAQ "What happens when I hit limits on pay-as-you-go
 *   plan?" says only "We will do our best to keep your database running but we may rate limit
 *   depending on the case"; the fixed-plan answer does not mention the per-second limit.
 * - The Troubleshooting pages (upstash.com/docs/redis/troubleshooting/...) cover "ERR max
 *   requests limit exceeded" (monthly cap), "ERR max daily request limit exceeded" (daily cap),
 *   "ERR max concurrent connections exceeded" (TCP connections, not commands), "ERR max request
 *   size exceeded" and others. None is about commands per second.
 * - "REST API" (upstash.com/docs/redis/features/restapi): HTTP 400 with `{"error": ...}` when a
 *   command is rejected or fails; a transaction that would exceed the daily request limit is
 *   discarded whole with one `{"error": ...}`.
 * So the per-second error text is NOT documented. (The only "ERR max commands per second
 * exceeded" found anywhere was a guess in another project's test code.)
 *
 * WHAT THIS PROXY ANSWERS, chosen: `ERR max commands per second limit exceeded. Limit: <cap>,
 * Usage: <commands in the last second with this request's>`. It is shaped like the two
 * documented quota errors as clients receive them ("ERR max requests limit exceeded. Limit:
 * 500000, Usage: 500000. See ... for details"), and named after the plan's "Max Commands Per
 * Second", so code that treats /^ERR max .* limit exceeded/ as a quota refusal catches all three.
 * HTTP shape, as for those quota errors: `/` and `/multi-exec` answer 400 `{error}`; `/pipeline`
 * answers 200 with one `{error}` per command. (The monthly-cap error reaches @upstash/redis users
 * as "Command 1 [ incr ] failed: ERR max requests limit exceeded...", a message the client only
 * builds from a 200 pipeline reply.) A request is admitted or refused whole: no partial pipeline.
 *
 * HOW @upstash/redis 1.39 REACTS (node_modules/@upstash/redis, `HttpClient.request`):
 * - Its `retry` covers only `fetch` throwing (a network error). Default `{ retries: 5, backoff:
 *   (n) => Math.exp(n) * 50 }`: up to 6 attempts, waiting 50, 136, 369, 1004 and 2730 ms.
 *   (`retry: false` means `attempts: 1`, and the loop `i <= attempts` still makes 2 attempts.)
 * - Any HTTP reply ends that loop, whatever its status: a non-2xx reply throws
 *   `UpstashError("<error>, command was: <body>")` at once, and so does a 200 `{error}`.
 * - So a throughput refusal is never retried by the client; the caller sees it at once. From a
 *   pipeline, `exec()` throws `Command <i> [ <NAME> ] failed: <error>` for the first refused
 *   entry; auto-pipelined calls each reject with `Command failed: <error>`.
 */

/*
 * WAIT, THEN FAIL (issue 22). Upstash's FAQ, "How do you handle the noisy neighbour problem?"
 * (upstash/docs, redis/help/faq.mdx, read 2026-12): "there are specific quotas for each
 * database. When they reach any of these quotas they are throttled using a backoff strategy."
 * Its pricing page (redis/overall/pricing.mdx) adds that when a database reaches a quota "we do
 * not stop your service" and, past the monthly cap, that "your database will be rate limited".
 * So a database over its commands per second is slowed down, not refused at once: by default
 * (`maxWaitMs` > 0) a request over the cap waits in line (first come, first served) until the
 * last second's commands leave it room, and fails with the error below only if it waited
 * `maxWaitMs` without getting in. How long Upstash's backoff lasts before an error, and that
 * error's text, are not documented (searched again for this change: the docs and pages corpora,
 * "upstash rate limit exceeded throttling max commands per second"); both are chosen here.
 * `maxWaitMs` 0 refuses at once, as this proxy did before.
 */

/** The start of the error a refused request gets; the limit and usage follow. */
export const THROUGHPUT_ERROR_PREFIX = "ERR max commands per second limit exceeded";

export function throughputError(limit: number, usage: number): string {
  return `${THROUGHPUT_ERROR_PREFIX}. Limit: ${limit}, Usage: ${usage}`;
}

/** A request let through, whose cost may still grow once it has run (a script's own calls). */
export interface Admission {
  /** Adds `commands` to the window the request was admitted in, if it still counts. */
  charge(commands: number): void;
}

export type AdmitResult = { ok: true; admission: Admission } | { ok: false; error: string };

export interface ThroughputLimiter {
  /** Admits `commands` now if the last second's plus these stay within the cap; else the error. */
  admit(commands: number): AdmitResult;
  /**
   * Admits `commands` as soon as the cap leaves room, after every request that waits before it;
   * the error if that takes more than `maxWaitMs` (0: at once or never, as {@link admit}).
   */
  admitInTurn(commands: number, maxWaitMs: number): Promise<AdmitResult & { waitedMs: number }>;
}

const WINDOW_MS = 1000;

/**
 * A SLIDING one-second window over the commands admitted: a request is let through only if the
 * commands admitted in the 1000 ms before it, plus its own, stay within `maxCommandsPerSecond`.
 * Sliding rather than fixed, because Upstash does not say which it uses, and a fixed window
 * lets 2x the cap through in the second that straddles a boundary: a benchmark of capped
 * databases would then measure a ceiling a real plan may not have.
 *
 * Commands are counted at admission as the request's top-level commands (a pipeline of n is n,
 * a transaction n + MULTI + EXEC, a script 1), the same floor the proxy bills. A script's own
 * `redis.call`s are only known once it has run: `Admission.charge` then adds them to the window,
 * so they use up the rest of that second (the window may then pass the cap by those calls).
 *
 * `now` is a clock in ms, injectable for tests.
 */
export function throughputLimiter(
  maxCommandsPerSecond: number,
  now: () => number = () => performance.now(),
): ThroughputLimiter {
  if (!Number.isInteger(maxCommandsPerSecond) || maxCommandsPerSecond < 1) {
    throw new RangeError(
      `maxCommandsPerSecond must be a positive integer, got ${maxCommandsPerSecond}`,
    );
  }
  // Admitted requests of the last second, oldest first, and the sum of their commands.
  const admitted: { at: number; commands: number }[] = [];
  let inWindow = 0;
  // Requests waiting for room, first come first served.
  const line: Waiter[] = [];
  let wake: ReturnType<typeof setTimeout> | undefined;

  function admit(commands: number): AdmitResult {
    const at = now();
    while (admitted.length > 0 && (admitted[0]?.at ?? at) <= at - WINDOW_MS) {
      inWindow -= admitted.shift()?.commands ?? 0;
    }
    const usage = inWindow + commands;
    if (usage > maxCommandsPerSecond) {
      return { ok: false, error: throughputError(maxCommandsPerSecond, usage) };
    }
    const entry = { at, commands };
    admitted.push(entry);
    inWindow = usage;
    return {
      ok: true,
      admission: {
        charge(extra) {
          // An entry leaves the list only once `at <= now - 1000`, so a younger one is in it.
          if (extra <= 0 || entry.at <= now() - WINDOW_MS) return;
          entry.commands += extra;
          inWindow += extra;
        },
      },
    };
  }

  /** Lets in the waiters at the head of the line that fit, then sleeps until the next may. */
  function drain(): void {
    wake = undefined;
    while (line.length > 0) {
      const head = line[0]!;
      const result = admit(head.commands);
      if (!result.ok) break;
      line.shift();
      head.settle(result);
    }
    if (line.length > 0 && admitted.length > 0) {
      const roomInMs = Math.max(1, admitted[0]!.at + WINDOW_MS - now());
      wake = setTimeout(drain, roomInMs);
    }
  }

  return {
    admit,
    admitInTurn(commands, maxWaitMs) {
      const startedAt = now();
      const first = line.length === 0 ? admit(commands) : undefined;
      // A request larger than the cap never gets in, however long it waits.
      if (first?.ok || maxWaitMs <= 0 || commands > maxCommandsPerSecond) {
        return Promise.resolve({ ...(first ?? admit(commands)), waitedMs: 0 });
      }
      return new Promise((resolve) => {
        const waiter: Waiter = {
          commands,
          settle: (result) => {
            clearTimeout(giveUp);
            resolve({ ...result, waitedMs: now() - startedAt });
          },
        };
        const giveUp = setTimeout(() => {
          line.splice(line.indexOf(waiter), 1);
          const usage = inWindow + commands;
          resolve({
            ok: false,
            error: throughputError(maxCommandsPerSecond, usage),
            waitedMs: now() - startedAt,
          });
        }, maxWaitMs);
        line.push(waiter);
        if (wake === undefined) drain();
      });
    },
  };
}

interface Waiter {
  commands: number;
  settle(result: AdmitResult): void;
}
