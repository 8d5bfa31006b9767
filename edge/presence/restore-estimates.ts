import type { RedisKeys } from "@viewer-presence/shared/redis-keys";
import {
  answerCount,
  estimateFromSnapshot,
  formatEstimate,
  type RestoreEstimate,
} from "@viewer-presence/shared/snapshot-estimate";
import type { HistoryTable } from "../history/history-table";
import type { LiveCount } from "../isolate/count-memory";
import type { IsolateState } from "../isolate/isolate-state";
import { StoreUnavailableError } from "../problems";
import { type EdgeRedis, redisCall } from "../redis-client";

export interface EstimateDeps {
  redis: EdgeRedis;
  keys: RedisKeys;
  isolate: IsolateState;
  historyTable: () => HistoryTable;
  logError: (message: string, error: unknown) => void;
}

/**
 * The count to answer for a stage: the live count, or, within one presence TTL of a restore
 * after Redis lost its data, the stage's last snapshot count flagged `estimated` while it is the
 * larger. The estimate is answered at once: when Redis has none yet (the sync job writes them
 * all on its next run), this isolate reads the stage's newest snapshot (one DynamoDB Query, once
 * per stage per isolate) and leaves it in `e:<stage>` for the others. A snapshot older than
 * ESTIMATE_MAX_AGE_MS before the loss gives none: "no estimate" is said plainly as
 * `estimated: false` with the live count.
 */
export async function countToAnswer(
  deps: EstimateDeps,
  stageId: string,
  count: LiveCount,
  nowMs: number,
  presenceTtlSec: number,
): Promise<{ viewers: number; estimated: boolean; asOfMs: number }> {
  const restoredAtMs = deps.isolate.registry.view.restoredAtMs;
  const untilMs = restoredAtMs === undefined ? 0 : restoredAtMs + presenceTtlSec * 1000;
  if (restoredAtMs === undefined || nowMs >= untilMs)
    return answerCount(count.live, undefined, count.asOfMs);
  const estimate =
    count.estimate ?? (await fetchEstimate(deps, stageId, restoredAtMs, untilMs, nowMs));
  return answerCount(count.live, estimate, count.asOfMs);
}

async function fetchEstimate(
  deps: EstimateDeps,
  stageId: string,
  restoredAtMs: number,
  untilMs: number,
  nowMs: number,
): Promise<RestoreEstimate | undefined> {
  const { redis, keys, isolate } = deps;
  const known = isolate.counts.estimates.get(stageId, nowMs);
  if (known !== undefined) return known ?? undefined;
  let estimate: RestoreEstimate | undefined;
  try {
    const snapshot = await deps.historyTable().latestSnapshot(stageId);
    estimate = snapshot && estimateFromSnapshot(snapshot, restoredAtMs);
    isolate.counts.estimates.set(stageId, estimate ?? null, nowMs);
    if (estimate !== undefined) {
      const ttlSec = Math.ceil((untilMs - nowMs) / 1000);
      await redisCall(isolate.redisGuard, () =>
        redis.set(keys.estimate(stageId), formatEstimate(estimate!), { nx: true, ex: ttlSec }),
      );
    }
  } catch (error) {
    // An estimate is a courtesy: without DynamoDB the live count is answered, unflagged.
    if (!(error instanceof StoreUnavailableError)) throw error;
    deps.logError("restore estimate unavailable", error);
  }
  return estimate;
}
