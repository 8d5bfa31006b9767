import type { RedisKeys } from "../shared/redis-keys";
import { epochEndMs } from "../shared/slot-bitmaps";
import type { SyncRedis } from "./sync-redis";

/**
 * Deletes the viewer index (`ix:` and `il:`) of every epoch that has ended, more than `graceMs`
 * ago, and has no slot bitmap left (`epochsInUse`, from this run's SCAN, once its closed windows
 * are all synced): an index lives as long as its epoch's windows, so Redis holds about one hour
 * of a stage's viewers, not its lifetime audience. Returns the epochs dropped.
 */
export async function dropEndedIndexes(
  redis: Pick<SyncRedis, "smembers" | "pipeline">,
  keys: RedisKeys,
  nowMs: number,
  options: { graceMs: number; epochsInUse: ReadonlySet<string> },
): Promise<number> {
  const ended = (await redis.smembers(keys.indexedEpochs())).map(String).filter((member) => {
    const at = member.lastIndexOf(":");
    const epoch = Number(member.slice(at + 1));
    if (at <= 0 || !Number.isInteger(epoch)) return true;
    return epochEndMs(epoch) + options.graceMs <= nowMs && !options.epochsInUse.has(member);
  });
  for (let start = 0; start < ended.length; start += 500) {
    const pipeline = redis.pipeline();
    for (const member of ended.slice(start, start + 500)) {
      const at = member.lastIndexOf(":");
      const stageId = member.slice(0, at);
      const epoch = Number(member.slice(at + 1));
      if (at > 0 && Number.isInteger(epoch)) {
        pipeline.unlink(keys.viewerIndex(stageId, epoch), keys.viewerList(stageId, epoch));
      }
      pipeline.srem(keys.indexedEpochs(), member);
    }
    await pipeline.exec();
  }
  return ended.length;
}
