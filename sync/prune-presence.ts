import type { RedisKeys } from "../shared/redis-keys";
import type { SyncRedis } from "./sync-redis";

/** Stages pruned per pipelined request. */
const PRUNE_BATCH_STAGES = 500;

export interface PruneResult {
  /** Presence entries removed. */
  removed: number;
  /** Live viewers over all registry stages, when asked for (`countTtlSec`). */
  liveViewers?: number;
}

/**
 * Removes presence entries older than `pruneTtlSec` from every registry stage
 * (`ZREMRANGEBYSCORE p:<stage> -inf (<now - ttl>`), once per run instead of once per heartbeat.
 * Counts never needed it (ZCOUNT reads from the cutoff); it keeps the sets small. With
 * `countTtlSec`, the same requests also count every stage's live viewers (ZCOUNT), which the
 * cost-aware cadence needs.
 */
export async function prunePresence(
  redis: Pick<SyncRedis, "smembers" | "pipeline">,
  keys: RedisKeys,
  nowMs: number,
  options: { pruneTtlSec: number; countTtlSec?: number },
): Promise<PruneResult> {
  const stageIds = (await redis.smembers<unknown[]>(keys.stages())).map(String);
  const cutoff = `(${nowMs - options.pruneTtlSec * 1000}` as const;
  const counting = options.countTtlSec !== undefined;
  const countFromMs = nowMs - (options.countTtlSec ?? 0) * 1000;
  const result: PruneResult = counting ? { removed: 0, liveViewers: 0 } : { removed: 0 };
  for (let start = 0; start < stageIds.length; start += PRUNE_BATCH_STAGES) {
    const pipeline = redis.pipeline();
    for (const stageId of stageIds.slice(start, start + PRUNE_BATCH_STAGES)) {
      pipeline.zremrangebyscore(keys.presence(stageId), "-inf", cutoff);
      if (counting) pipeline.zcount(keys.presence(stageId), countFromMs, "+inf");
    }
    const replies = await pipeline.exec<number[]>();
    replies.forEach((reply, i) => {
      if (!counting || i % 2 === 0) result.removed += Number(reply);
      else result.liveViewers = (result.liveViewers ?? 0) + Number(reply);
    });
  }
  return result;
}
