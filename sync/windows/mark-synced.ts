import { execPipeline, type PipelineStep } from "@viewer-presence/shared/pipeline-scripts";
import { INDEX_KEY_EXPIRY_SEC, type RedisKeys } from "@viewer-presence/shared/redis-keys";
import type { SyncRedis } from "../sync-redis";
import type { ClosedSlotWindow } from "./find-work";

/** Where a window is read: its index list and bitmaps in one database. */
export interface WindowSource {
  redis: SyncRedis;
  bitmaps: ClosedSlotWindow["bitmaps"];
}

/** A window's sources: this run's database, then a spread stage's others (in their order). */
export const windowSources = (redis: SyncRedis, closed: ClosedSlotWindow): WindowSource[] => [
  { redis, bitmaps: closed.bitmaps },
  ...(closed.parts ?? []),
];

/**
 * Marks windows whose items and snapshot DynamoDB confirmed as synced in Redis: the commit
 * point (a run that dies before it leaves them to the next run, whose ledger check finds them
 * written). Their bitmaps are the live count's too: they stay until no count can read them (the
 * presence TTL after the window's end); the first run after that deletes them (one DEL for all),
 * and if no run comes, their own expiry (a week) does.
 *
 * Before that, each window's bits join its hour's (`hw:`), which give the hour's exact distinct
 * viewers once the windows' own bitmaps are gone (OR is idempotent: a window joined twice
 * changes nothing). Each part of a spread stage's window joins its own database's `hw:`.
 */
export async function markWindowsSynced(
  redis: Pick<SyncRedis, "sadd">,
  keys: RedisKeys,
  windows: readonly { closed: ClosedSlotWindow; sources: readonly WindowSource[] }[],
): Promise<void> {
  // One pipelined request per database, sent at once.
  const hours = new Map<SyncRedis, PipelineStep[]>();
  for (const { closed, sources } of windows) {
    const hourKey = keys.hourBits(closed.stageId, closed.epoch);
    for (const source of sources) {
      if (source.bitmaps.length === 0) continue;
      const steps = hours.get(source.redis) ?? [];
      hours.set(source.redis, steps);
      const bitmaps = source.bitmaps.map((bitmap) => bitmap.key);
      steps.push(
        (pipeline) => pipeline.bitop("or", hourKey, hourKey, ...bitmaps),
        (pipeline) => pipeline.expire(hourKey, INDEX_KEY_EXPIRY_SEC),
      );
    }
  }
  await Promise.all([...hours].map(([redis, steps]) => execPipeline(redis, steps)));
  const [synced, ...moreSynced] = windows.map(({ closed }) => `${closed.stageId}:${closed.window}`);
  if (synced !== undefined) await redis.sadd(keys.syncedWindows(), synced, ...moreSynced);
}
