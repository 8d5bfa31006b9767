import type { Config } from "@viewer-presence/shared/config";
import {
  type Cadence,
  cadenceFor,
  parseChosenInterval,
} from "@viewer-presence/shared/heartbeat-cadence";
import type { IsolateState } from "../isolate/isolate-state";

/**
 * The cadence this isolate uses (shared/heartbeat-cadence.ts), with the interval the sync job
 * chose read from Redis together with a count refresh and kept 30 s.
 */
export function currentCadence(config: Config, isolate: IsolateState, nowMs: number): Cadence {
  return cadenceFor(config, isolate.counts.interval.get("iv", nowMs));
}

/** Whether the isolate should re-read the budget's interval with its next count refresh. */
export function intervalIsStale(config: Config, isolate: IsolateState, nowMs: number): boolean {
  return (
    config.hotPathBudgetUsd !== undefined && isolate.counts.interval.get("iv", nowMs) === undefined
  );
}

/** Remembers what Redis said (`iv` JSON, or null when the job has not chosen yet). */
export function rememberInterval(
  isolate: IsolateState,
  json: string | null,
  base: number,
  nowMs: number,
): void {
  isolate.counts.interval.set("iv", parseChosenInterval(json) ?? base, nowMs);
}
