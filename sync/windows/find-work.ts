import {
  parseSlotBitmapKey,
  type RedisKeys,
  slotBitmapPattern,
} from "@viewer-presence/shared/redis-keys";
import { epochOfWindow } from "@viewer-presence/shared/slot-bitmaps";
import { type Slot, windowIndex, windowStartMs } from "@viewer-presence/shared/windows";
import { type SyncRedis, scanKeys } from "../sync-redis";

/** A closed window of the slot-bitmap layout: its bitmaps, one per slot marked. */
export interface ClosedSlotWindow {
  stageId: string;
  window: number;
  epoch: number;
  /** `b:<stage>:<window>:<offset>:<width>` keys with their slots. */
  bitmaps: ({ key: string } & Slot)[];
  /**
   * A stage spread over several databases: the window's part in each of its other databases,
   * read by its home's run (sync/windows/spread-stages.ts).
   */
  parts?: { redis: SyncRedis; bitmaps: ({ key: string } & Slot)[] }[];
}

export interface SlotWorkList {
  /** Closed windows, oldest first, at most `maxWindows`. */
  windows: ClosedSlotWindow[];
  deferred: number;
  /** `<stage>:<epoch>` of every bitmap this run leaves in Redis (open or deferred windows). */
  epochsInUse: Set<string>;
  /** Bitmaps of synced windows past the presence TTL: to delete. */
  expiredBitmaps: string[];
}

/**
 * Finds the closed windows of slot bitmaps with SCAN `b:*` (COUNT 1000 a page), grouping each
 * window's bitmaps, except those already synced (`synced`, from `bsy`). Also says which epochs
 * still have bitmaps after this run, so their index is kept.
 *
 * A window counts as closed once `graceMs` has passed since its end, not the instant it ends:
 * a heartbeat stamped just before the boundary may reach Redis a moment after it, and bits set
 * after the run read the window would never reach DynamoDB (the window is marked synced by
 * then). The open window is never synced.
 */
export async function findClosedSlotWindows(
  redis: Pick<SyncRedis, "scan">,
  prefix: string,
  nowMs: number,
  options: {
    graceMs: number;
    maxWindows: number;
    synced: { counted: ReadonlySet<string>; expired: ReadonlySet<string> };
    /** Only this stage's bitmaps (a spread stage's part in another database). */
    stageId?: string;
  },
): Promise<SlotWorkList> {
  const firstOpen = windowIndex(nowMs - options.graceMs);
  const byWindow = new Map<string, ClosedSlotWindow>();
  const epochsInUse = new Set<string>();
  const expiredBitmaps: string[] = [];
  const pattern =
    options.stageId === undefined ? slotBitmapPattern(prefix) : `${prefix}b:${options.stageId}:*`;
  for (const key of await scanKeys(redis, pattern)) {
    const parsed = parseSlotBitmapKey(prefix, key);
    if (parsed === undefined) continue;
    const { stageId, window, offsetSec, widthSec } = parsed;
    const epoch = epochOfWindow(window);
    if (window >= firstOpen) {
      epochsInUse.add(`${stageId}:${epoch}`);
      continue;
    }
    const id = `${stageId}:${window}`;
    // Already in DynamoDB; kept only for the live count until it expires.
    if (options.synced.counted.has(id)) {
      epochsInUse.add(`${stageId}:${epoch}`);
      continue;
    }
    if (options.synced.expired.has(id)) {
      expiredBitmaps.push(key);
      continue;
    }
    const closed = byWindow.get(id) ?? { stageId, window, epoch, bitmaps: [] };
    byWindow.set(id, closed);
    closed.bitmaps.push({ key, offsetSec, widthSec });
  }
  const closed = [...byWindow.values()].sort(
    (a, b) => a.window - b.window || (a.stageId < b.stageId ? -1 : 1),
  );
  const windows = closed.slice(0, options.maxWindows);
  for (const left of closed.slice(options.maxWindows))
    epochsInUse.add(`${left.stageId}:${left.epoch}`);
  return { windows, deferred: closed.length - windows.length, epochsInUse, expiredBitmaps };
}

/**
 * Reads `bsy`: the synced windows whose bitmaps the live count may still read (`counted`), and
 * those past the presence TTL (`expired`), whose bitmaps the run deletes (they would expire by
 * themselves; deleting them does not depend on Redis' clock agreeing with the job's).
 */
export async function readSyncedWindows(
  redis: Pick<SyncRedis, "smembers">,
  keys: RedisKeys,
  nowMs: number,
  presenceKeepSec: number,
): Promise<{ counted: Set<string>; expired: Set<string> }> {
  const counted = new Set<string>();
  const expired = new Set<string>();
  for (const member of (await redis.smembers(keys.syncedWindows())).map(String)) {
    const window = Number(member.slice(member.lastIndexOf(":") + 1));
    const keptUntilMs = windowStartMs(window + 1) + presenceKeepSec * 1000;
    if (Number.isInteger(window) && keptUntilMs > nowMs) counted.add(member);
    else expired.add(member);
  }
  return { counted, expired };
}
