import type { DocumentClient } from "../shared/clients";
import type { RedisKeys } from "../shared/redis-keys";
import { epochEndMs } from "../shared/slot-bitmaps";
import { rollUpHour } from "./hour-rollups";
import { mapConcurrent } from "./map-concurrent";
import type { SyncRedis } from "./sync-redis";

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
  options: { graceMs: number; epochsInUse: ReadonlySet<string> },
): Promise<number> {
  const { redis, keys } = deps;
  const ended = (await redis.smembers(keys.indexedEpochs())).map(String).filter((member) => {
    const at = member.lastIndexOf(":");
    const epoch = Number(member.slice(at + 1));
    if (at <= 0 || !Number.isInteger(epoch)) return true;
    return epochEndMs(epoch) + options.graceMs <= nowMs && !options.epochsInUse.has(member);
  });
  await mapConcurrent(ended, ROLLUP_CONCURRENCY, async (member) => {
    const at = member.lastIndexOf(":");
    const stageId = member.slice(0, at);
    const epoch = Number(member.slice(at + 1));
    const pipeline = redis.pipeline();
    if (at > 0 && Number.isInteger(epoch)) {
      await rollUpHour(deps, stageId, epoch);
      pipeline.unlink(
        keys.viewerIndex(stageId, epoch),
        keys.viewerList(stageId, epoch),
        keys.hourBits(stageId, epoch),
      );
    }
    pipeline.srem(keys.indexedEpochs(), member);
    await pipeline.exec();
  });
  return ended.length;
}
