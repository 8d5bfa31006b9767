import { liveCountCall } from "@viewer-presence/shared/live-count";
import { execPipeline } from "@viewer-presence/shared/pipeline-scripts";
import { parseEstimate } from "@viewer-presence/shared/restore-estimate";
import { redisCall } from "../redis-client";
import { countToAnswer, type EstimateDeps } from "./restore-estimates";

export interface StageViewers {
  viewers: number;
  estimated: boolean;
  /** When the figure was true: now for a live count, the snapshot's time for an estimate. */
  asOfMs: number;
}

/**
 * The live count of a stage, in one request (COUNT_SCRIPT and the restore estimate) and at
 * most once per isolate per count-read cache period. After Redis lost its data, presence is
 * empty until viewers' next heartbeats; meanwhile the stage's last snapshot count is answered,
 * flagged `estimated`, for as long as it exceeds the live count that is building up again
 * (restore-estimates.ts).
 */
export async function readStageViewers(
  deps: EstimateDeps,
  stageId: string,
  nowMs: number,
  presenceTtlSec: number,
  widthsSec: readonly number[],
): Promise<StageViewers> {
  const { redis, keys, isolate } = deps;
  const cached = isolate.countReads.get(stageId, nowMs);
  if (cached !== undefined) return cached;
  const [live, estimateJson] = await redisCall(isolate.redisGuard, () =>
    execPipeline(
      redis,
      [
        liveCountCall(keys, stageId, nowMs, presenceTtlSec, widthsSec),
        (pipeline) => pipeline.get(keys.estimate(stageId)),
      ],
      isolate.scriptSha1,
    ),
  );
  const count = { live: Number(live), estimate: parseEstimate(estimateJson as string | null) };
  const answer = await countToAnswer(deps, stageId, count, nowMs, presenceTtlSec);
  isolate.countReads.set(stageId, answer, nowMs);
  return answer;
}
