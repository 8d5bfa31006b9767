/** How a call failed: out of its deadline, with an error, or refused unsent. */
export type FailureKind = "missed" | "failed" | "refused";

export interface FailureSummaryOptions {
  /** The database's index, for the log line. */
  database: number;
  /** At most one line this often, in ms. */
  intervalMs: number;
  log: (summary: string) => void;
  /** The breaker's state when the line is written. */
  breakerState: () => string;
}

/**
 * One database's failures, counted and logged once per `intervalMs` at most, never a line (or
 * a stack) per request: under wrangler dev a stack per failed request blocked the isolate for
 * seconds, and in production each line is a billed log event.
 */
export function failureSummary(options: FailureSummaryOptions) {
  const tally = {
    missed: 0,
    failed: 0,
    refused: 0,
    opened: 0,
    last: "",
    sinceMs: 0,
    loggedAtMs: -Infinity,
  };

  /** Logs what failed since the last line, if anything did and the interval has passed. */
  function summarise(nowMs: number): void {
    const total = tally.missed + tally.failed + tally.refused;
    if (total === 0 || nowMs - tally.loggedAtMs < options.intervalMs) return;
    const seconds = ((nowMs - tally.sinceMs) / 1000).toFixed(1);
    options.log(
      `database ${options.database}: ${total} calls failed in ${seconds} s ` +
        `(${tally.missed} missed the deadline, ${tally.failed} failed, ` +
        `${tally.refused} refused unsent); breaker opened ${tally.opened} times, now ${options.breakerState()}; ` +
        `last: ${tally.last}`,
    );
    tally.missed = tally.failed = tally.refused = tally.opened = 0;
    tally.loggedAtMs = nowMs;
  }

  return {
    summarise,
    /** Counts one failed call (`detail`: one line, the last one's is logged). */
    count(kind: FailureKind, detail: string, nowMs: number): void {
      if (tally.missed + tally.failed + tally.refused === 0) tally.sinceMs = nowMs;
      tally[kind] += 1;
      tally.last = detail;
      summarise(nowMs);
    },
    /** The breaker opened. */
    opened(): void {
      tally.opened += 1;
    },
  };
}
