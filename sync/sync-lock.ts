import { execPipeline } from "@viewer-presence/shared/pipeline-scripts";
import type { SyncRedis } from "./sync-redis";

/**
 * Releases the sync lock only if it still holds this run's id, so a run that outlived its lock
 * never frees the lock of the run that took over.
 *
 * KEYS[1] the lock `lock`
 * ARGV[1] this run's id
 *
 * Returns 1 when the lock was this run's and is now released, 0 otherwise.
 */
export const RELEASE_LOCK_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

/**
 * How long a lock outlives a run that died holding it, in ms (12 min: above the run's 10-min
 * deadline, so a live run always holds it; a dead run holds off two cron runs at most).
 */
export const DEFAULT_LOCK_TTL_MS = 720_000;

/** Takes the lock (`SET lock <runId> NX PX <ttl>`); `false` when another run holds it. */
export async function acquireLock(
  redis: Pick<SyncRedis, "set">,
  key: string,
  runId: string,
  ttlMs = DEFAULT_LOCK_TTL_MS,
): Promise<boolean> {
  const reply = await redis.set(key, runId, { nx: true, px: ttlMs });
  return reply === "OK";
}

/** Releases the lock if it is still `runId`'s; `false` when it had expired or been taken over. */
export async function releaseLock(
  redis: Pick<SyncRedis, "pipeline">,
  key: string,
  runId: string,
): Promise<boolean> {
  const [released] = await execPipeline(redis, [
    { script: RELEASE_LOCK_SCRIPT, keys: [key], args: [runId] },
  ]);
  return Number(released) === 1;
}
