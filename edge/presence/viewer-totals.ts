import { countedWidthsSec } from "@viewer-presence/shared/heartbeat-cadence";
import { decodeLiveCount, liveCountCall } from "@viewer-presence/shared/live-count";
import type { Services, Shard } from "../env";
import { pipelineCall, redisCall } from "../redis-client";
import { currentCadence } from "./current-cadence";

/**
 * Viewers over all stages, and how many stages have any: each database's counts by stage,
 * summed by stage (a stage spread over several databases is in each of them).
 */
export async function viewerTotals(
  services: Services,
): Promise<{ viewers: number; activeStages: number }> {
  const perDatabase = await Promise.all(
    services.shards().map((shard) => countsByStage(services, shard)),
  );
  const byStage = new Map<string, number>();
  for (const counts of perDatabase) {
    for (const [id, count] of counts) byStage.set(id, (byStage.get(id) ?? 0) + count);
  }
  return {
    viewers: [...byStage.values()].reduce((sum, count) => sum + count, 0),
    activeStages: [...byStage.values()].filter((count) => count > 0).length,
  };
}

/** One database's live counts by stage: one request per database at most every 2 s. */
async function countsByStage(
  { config, nowMs, keys }: Services,
  { redis, isolate }: Shard,
): Promise<Map<string, number>> {
  const cached = isolate.counts.totals.get("all", nowMs);
  if (cached !== undefined) return cached;
  const stageIds = (await redisCall(isolate.redisGuard, () => redis.smembers(keys.stages()))).map(
    String,
  );
  const cadence = currentCadence(config, isolate, nowMs);
  const widths = countedWidthsSec(config, cadence);
  const calls = stageIds.map((id) =>
    liveCountCall(keys, id, nowMs, cadence.presenceTtlSec, widths),
  );
  const counts =
    calls.length === 0 ? [] : (await pipelineCall({ redis, isolate }, calls)).map(decodeLiveCount);
  const byStage = new Map(stageIds.map((id, i) => [id, counts[i] ?? 0]));
  isolate.counts.totals.set("all", byStage, nowMs);
  return byStage;
}
