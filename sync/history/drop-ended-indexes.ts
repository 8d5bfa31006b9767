import type { DocumentClient } from "@viewer-presence/shared/clients";
import { execPipeline, type PipelineStep } from "@viewer-presence/shared/pipeline-scripts";
import type { RedisKeys } from "@viewer-presence/shared/redis-keys";
import { epochEndMs } from "@viewer-presence/shared/slot-bitmaps";
import { mapConcurrent } from "../map-concurrent";
import type { SyncRedis } from "../sync-redis";
import { NO_SPREAD, type SpreadPlan, stageOf } from "../windows/spread-stages";
import { rollUpHour } from "./hour-rollups";

/** Hours rolled up at once (each a few Redis requests and DynamoDB calls). */
const ROLLUP_CONCURRENCY = 8;

/**
 * Closes every epoch (hour) that has ended, more than `graceMs` ago, and has no slot bitmap left
 * (`epochsInUse`, from this run's SCAN, once its closed windows are all synced and no longer
 * counted): rolls the hour up (hour-rollups.ts), then deletes its index (`ix:`, `il:`) and its
 * bits (`hw:`). An index lives as long as its epoch's windows, so Redis holds about one hour of
 * a stage's viewers, not its lifetime audience. An hour whose roll-up fails keeps its index for
 * the next run. Returns the epochs closed.
 */
export async function dropEndedIndexes(
  deps: {
    redis: Pick<SyncRedis, "smembers" | "pipeline">;
    db: DocumentClient;
    keys: RedisKeys;
    tableName: string;
  },
  nowMs: number,
  options: {
    graceMs: number;
    /** Most hours closed in this call, oldest first (the rest wait for the next run). */
    maxHours?: number;
    epochsInUse: ReadonlySet<string>;
    /**
     * Stages spread over several databases (spread-stages.ts): those whose home is elsewhere are
     * left alone; for those whose home is here, the hours indexed in their other databases join
     * this database's, and each is rolled up over, and deleted from, every part.
     */
    spread?: { plan: SpreadPlan; partEpochs: readonly string[] };
  },
): Promise<number> {
  const { redis, keys } = deps;
  const plan = options.spread?.plan ?? NO_SPREAD;
  const indexed = new Set([
    ...(await redis.smembers(keys.indexedEpochs())).map(String),
    ...(options.spread?.partEpochs ?? []),
  ]);
  const endedAll = [...indexed].filter((member) => {
    if (plan.elsewhere.has(stageOf(member))) return false;
    const at = member.lastIndexOf(":");
    const epoch = Number(member.slice(at + 1));
    if (at <= 0 || !Number.isInteger(epoch)) return true;
    return epochEndMs(epoch) + options.graceMs <= nowMs && !options.epochsInUse.has(member);
  });
  const epochOf = (member: string) => Number(member.slice(member.lastIndexOf(":") + 1)) || 0;
  const ended = endedAll
    .sort((a, b) => epochOf(a) - epochOf(b))
    .slice(0, options.maxHours ?? Number.POSITIVE_INFINITY);
  await mapConcurrent(ended, ROLLUP_CONCURRENCY, async (member) => {
    const at = member.lastIndexOf(":");
    const stageId = member.slice(0, at);
    const epoch = Number(member.slice(at + 1));
    const others = plan.homed.get(stageId) ?? [];
    if (at > 0 && Number.isInteger(epoch)) await rollUpHour({ ...deps, others }, stageId, epoch);
    // The hour's index and bits go from every database that holds a part of the stage.
    await Promise.all(
      [redis, ...others].map((holder) => {
        const steps: PipelineStep[] = [];
        if (at > 0 && Number.isInteger(epoch)) {
          steps.push((pipeline) =>
            pipeline.unlink(
              keys.viewerIndex(stageId, epoch),
              keys.viewerList(stageId, epoch),
              keys.hourBits(stageId, epoch),
            ),
          );
        }
        steps.push((pipeline) => pipeline.srem(keys.indexedEpochs(), member));
        return execPipeline(holder, steps);
      }),
    );
  });
  return ended.length;
}
