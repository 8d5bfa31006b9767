import { liveCountCall } from "@viewer-presence/shared/live-count";
import { createScriptDigests, execPipeline } from "@viewer-presence/shared/pipeline-scripts";
import type { RedisKeys } from "@viewer-presence/shared/redis-keys";
import type { SyncRedis } from "./sync-redis";

/** Stages counted per pipelined request. */
const COUNT_BATCH_STAGES = 200;

/**
 * Live viewers over every registry stage (COUNT_SCRIPT per stage, pipelined), which the
 * cost-aware cadence needs. Presence needs no pruning: slot bitmaps expire with their window.
 */
export async function countLiveViewers(
  redis: Pick<SyncRedis, "smembers" | "pipeline">,
  keys: RedisKeys,
  nowMs: number,
  options: { presenceTtlSec: number; widthsSec: readonly number[] },
): Promise<number> {
  const stageIds = (await redis.smembers<unknown[]>(keys.stages())).map(String);
  const sha1 = createScriptDigests();
  let viewers = 0;
  for (let start = 0; start < stageIds.length; start += COUNT_BATCH_STAGES) {
    const calls = stageIds
      .slice(start, start + COUNT_BATCH_STAGES)
      .map((id) => liveCountCall(keys, id, nowMs, options.presenceTtlSec, options.widthsSec));
    const counts = await execPipeline(redis, calls, sha1);
    for (const count of counts) viewers += Number(count);
  }
  return viewers;
}
