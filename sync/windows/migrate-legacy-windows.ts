import {
  parseLegacyWatchField,
  parseWatchKey,
  type RedisKeys,
  WATCH_KEY_EXPIRY_SEC,
  watchKeyPattern,
  watchMember,
} from "@viewer-presence/shared/redis-keys";
import { windowIndex } from "@viewer-presence/shared/windows";
import { type SyncRedis, scanKeys, scanPage } from "../sync-redis";

/**
 * Moves closed watch windows of the layout before sorted sets (`w:` hashes, written by workers
 * of an older deploy while a new one rolls out) into the current layout (`w2:`), so the sync
 * job reads every window one way. Page by page (HSCAN COUNT `pageFields`): each page's fields
 * are added to the sorted set and removed from the hash in one pipelined request, so memory
 * holds one page and a run that dies half way loses nothing (a field still in the hash is
 * added again next time; adding a member twice is harmless). A heartbeat that old workers
 * still send lands in an open window, migrated once it has closed too.
 *
 * Returns how many windows were moved.
 */
export async function migrateLegacyWindows(
  redis: Pick<SyncRedis, "scan" | "pipeline">,
  keys: RedisKeys,
  prefix: string,
  options: { firstOpenWindow: number; pageFields: number },
): Promise<number> {
  let moved = 0;
  for (const key of await scanKeys(redis, watchKeyPattern(prefix, "w"))) {
    const parsed = parseWatchKey(prefix, key, "w");
    if (parsed === undefined || parsed.stageId.includes(":")) continue;
    if (parsed.window >= options.firstOpenWindow) continue;
    const target = keys.watch(parsed.stageId, parsed.window);
    let cursor = "0";
    do {
      const [reply] = await redis
        .pipeline()
        .hscan(key, cursor, { count: options.pageFields })
        .exec<[unknown]>();
      const page = scanPage(reply);
      const members: { score: number; member: string }[] = [];
      const fields: string[] = [];
      for (let i = 0; i + 1 < page.keys.length; i += 2) {
        const field = page.keys[i]!;
        const { viewerId, offsetSec } = parseLegacyWatchField(field);
        const widthSec = Number(page.keys[i + 1]);
        fields.push(field);
        // A field that is not `<viewer>|<offset>` = `<width>` becomes a member the sync job
        // counts as malformed, as it counted the field before.
        members.push({ score: 0, member: watchMember(viewerId || field, { offsetSec, widthSec }) });
      }
      if (members.length > 0) {
        const [head, ...rest] = members;
        await redis
          .pipeline()
          .zadd(target, head!, ...rest)
          .expire(target, WATCH_KEY_EXPIRY_SEC)
          .hdel(key, ...fields)
          .exec();
      }
      cursor = page.cursor;
    } while (cursor !== "0");
    moved++;
  }
  return moved;
}

/** The first window a run must leave alone: it may still get heartbeats. */
export function firstOpenWindow(nowMs: number, graceMs: number): number {
  return windowIndex(nowMs - graceMs);
}
