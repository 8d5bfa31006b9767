import type { Config } from "../../shared/config";
import type { IsolateState } from "../isolate-state";

/** How often viewers beat now, and how long one counts after a beat. */
export interface Cadence {
  intervalSec: number;
  presenceTtlSec: number;
}

/**
 * The cadence this isolate uses: the configured interval, or the longer one the sync job chose
 * to keep the hot path within `HOT_PATH_BUDGET_USD` (read from Redis with the count refresh and
 * kept 30 s), clamped to [HEARTBEAT_INTERVAL_SEC, HEARTBEAT_INTERVAL_MAX_SEC]. The presence TTL
 * follows the interval, so a viewer keeps the same number of heartbeats of grace.
 */
export function currentCadence(config: Config, isolate: IsolateState, nowMs: number): Cadence {
  const base = config.heartbeatIntervalSec;
  const chosen =
    config.hotPathBudgetUsd === undefined ? base : (isolate.interval.get("iv", nowMs) ?? base);
  const intervalSec = Math.min(Math.max(chosen, base), config.heartbeatIntervalMaxSec);
  return { intervalSec, presenceTtlSec: Math.round((config.presenceTtlSec * intervalSec) / base) };
}

/** Whether the isolate should re-read the budget's interval with its next count refresh. */
export function intervalIsStale(config: Config, isolate: IsolateState, nowMs: number): boolean {
  return config.hotPathBudgetUsd !== undefined && isolate.interval.get("iv", nowMs) === undefined;
}

/** Remembers what Redis said (`iv` JSON, or null when the job has not chosen yet). */
export function rememberInterval(
  isolate: IsolateState,
  json: string | null,
  base: number,
  nowMs: number,
): void {
  let intervalSec = base;
  try {
    const parsed = json === null ? undefined : (JSON.parse(json) as { intervalSec?: unknown });
    if (typeof parsed?.intervalSec === "number" && parsed.intervalSec > 0)
      intervalSec = parsed.intervalSec;
  } catch {
    // a value we cannot read leaves the configured interval in force
  }
  isolate.interval.set("iv", intervalSec, nowMs);
}
