import type { Redis } from "@upstash/redis";
import { parseSlotBitmapKey, type RedisKeys } from "@viewer-presence/shared/redis-keys";
import { epochOfWindow } from "@viewer-presence/shared/slot-bitmaps";
import type { Slot } from "@viewer-presence/shared/windows";

/**
 * What the tests read back from the slot-bitmap layout: the slots whose watched bit (2i+1) is
 * set for one viewer in one window, found by SCAN of the window's bitmaps and the viewer's index.
 */
export async function readWatchedSlots(
  redis: Pick<Redis, "scan" | "hget" | "getbit">,
  keys: RedisKeys,
  stageId: string,
  window: number,
  viewerId: string,
): Promise<Slot[]> {
  const index = await redis.hget<string | number>(
    keys.viewerIndex(stageId, epochOfWindow(window)),
    viewerId,
  );
  if (index === null) return [];
  // The deployment's key prefix, as what precedes a slot bitmap key's own text (a prefix may
  // itself end in "b:", so it is cut by length, not at the first "b:").
  const probe = keys.slotBitmap("", 0, { offsetSec: 0, widthSec: 1 });
  const prefix = probe.slice(0, probe.length - "b::0:0:1".length);
  const pattern = `${keys.slotBitmap(stageId, window, { offsetSec: 0, widthSec: 1 }).slice(0, -4)}:*`;
  const slots: Slot[] = [];
  let cursor = "0";
  do {
    const [next, found] = await redis.scan(cursor, { match: pattern, count: 1000 });
    for (const key of found) {
      const bitmap = parseSlotBitmapKey(prefix, key);
      if (bitmap === undefined || bitmap.stageId !== stageId || bitmap.window !== window) continue;
      if ((await redis.getbit(key, 2 * Number(index) + 1)) === 1) {
        slots.push({ offsetSec: bitmap.offsetSec, widthSec: bitmap.widthSec });
      }
    }
    cursor = String(next);
  } while (cursor !== "0");
  return slots.sort((a, b) => a.offsetSec - b.offsetSec);
}

/**
 * Whether a window of slot bitmaps still awaits the sync job: it has bitmaps and is not listed
 * as synced (`bsy`; a synced window's bitmaps stay a while for the live count).
 */
export async function windowAwaitingSync(
  redis: Pick<Redis, "scan" | "sismember">,
  keys: RedisKeys,
  stageId: string,
  window: number,
): Promise<boolean> {
  if ((await redis.sismember(keys.syncedWindows(), `${stageId}:${window}`)) === 1) return false;
  const pattern = `${keys.slotBitmap(stageId, window, { offsetSec: 0, widthSec: 1 }).slice(0, -4)}:*`;
  let cursor = "0";
  do {
    const [next, found] = await redis.scan(cursor, { match: pattern, count: 1000 });
    if (found.length > 0) return true;
    cursor = String(next);
  } while (cursor !== "0");
  return false;
}
