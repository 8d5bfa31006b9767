import type { SlotBitmap } from "./slot-bitmaps";
import { HOUR_MS, type Slot } from "./windows";

/**
 * Every Redis key the system uses, built in one place. Keys are short on purpose: Upstash bills
 * bandwidth, and a heartbeat carries two of them. `prefix` (REDIS_KEY_PREFIX) lets tests and
 * several deployments share one database.
 */
export interface RedisKeys {
  /** Sorted set `p:<stage>`: member viewer id, score last heartbeat (epoch ms). */
  presence(stageId: string): string;
  /**
   * String `b:<stage>:<window>:<offset s>:<width s>`: the bitmap of one slot, two bits per viewer
   * index (present, watched; slot-bitmaps.ts). Heartbeats set bits; the sync job reads a closed
   * window's bitmaps with the index list and deletes them.
   */
  slotBitmap(stageId: string, window: number, slot: Slot): string;
  /**
   * Set `bsy`: `<stage>:<window>` of windows of slot bitmaps already in DynamoDB whose bitmaps
   * are kept (with an expiry) while the live count may still read them (the presence TTL).
   */
  syncedWindows(): string;
  /**
   * String `hw:<stage>:<epoch>`: the OR of the hour's slot bitmaps, kept up by the sync job as it
   * syncs each window, so the hour's distinct viewers are exact (its watched bits) once the
   * window bitmaps are gone. Deleted with the hour's index.
   */
  hourBits(stageId: string, epoch: number): string;
  /** HyperLogLog `hd:<stage>:<yyyy-mm-dd>`: the day's watching viewer ids (day rollups). */
  dayViewers(stageId: string, day: string): string;
  /** Hash `ix:<stage>:<epoch>`: viewer id -> index in the epoch (hour). */
  viewerIndex(stageId: string, epoch: number): string;
  /** List `il:<stage>:<epoch>`: the epoch's viewer ids in index order (index -> viewer). */
  viewerList(stageId: string, epoch: number): string;
  /**
   * Set `ixs`: `<stage>:<epoch>` of every index that exists, so the sync job finds the ended
   * epochs whose windows are all synced and deletes their index (one SMEMBERS a run, no SCAN).
   */
  indexedEpochs(): string;
  /** String `mk`: bytes 0b10101010, as long as the longest bitmap counted (keeps present bits). */
  presenceMask(): string;
  /** String `ct`: scratch of the count script (kept: as large as the largest bitmap counted). */
  countScratch(): string;
  /**
   * String `c:<stage>`: `<live count>:<epoch ms counted>`, the stage's live count as the last
   * isolate to count it left it, expiring COUNT_CACHE_MS after (shared/live-count.ts): the other
   * isolates read it with their registry check instead of counting (one MGET, not five commands).
   */
  sharedCount(stageId: string): string;
  /**
   * String `g`: the data's generation, a random value set when the registry is rebuilt after a
   * loss. Tickets name it, so indexes handed out before a loss are not trusted after it.
   */
  generation(): string;
  /** String `s:<stage>`: the stage's configuration as JSON (cache of DynamoDB). */
  stage(stageId: string): string;
  /** Set `stages`: ids of every stage known to this deployment (the registry). */
  stages(): string;
  /**
   * Set `spr`: ids of the stages in this database's registry whose viewers are spread over
   * several databases (`databases` > 1), so each database's sync job finds them without reading
   * every stage: their home syncs every part, the other parts leave them to it.
   */
  spreadStages(): string;
  /**
   * String `m`: present while Redis holds the whole stage registry; missing means Redis lost its
   * data (or the deployment is new). Value `registry` when the edge rebuilt only the registry,
   * `full` once the sync job has also restored each stage's last snapshot count. Set at the end
   * of a rebuild only if the generation `g` is still the one it began under, so a loss during
   * the rebuild leaves it unset (shared/registry-marker.ts).
   */
  marker(): string;
  /**
   * Counter `v`: the registry's version, raised by every stage create and update. An isolate
   * re-reads it (with `m` and `rs`, one MGET) every few seconds instead of re-reading each stage.
   */
  registryVersion(): string;
  /**
   * String `rs`: epoch ms when the registry was last restored after a data loss; it expires one
   * presence TTL later, so while it exists counts may answer a restore estimate.
   */
  restoredAt(): string;
  /** String `e:<stage>`: JSON `{ viewers, asOf }` from the last snapshot, set on restore, expiring after one presence TTL. */
  estimate(stageId: string): string;
  /** Stream `a:<stage>`: audit events (one per accepted heartbeat) on stages with `auditTrail`. */
  audit(stageId: string): string;
  /**
   * Set `us`: ids of stages an edge of an earlier version marked unsettled here (a write to
   * DynamoDB got no answer in time). Marks now live in DynamoDB (shared/unsettled-stages.ts);
   * the sync job moves these there.
   */
  unsettledStages(): string;
  /** String `lock`: held by the sync run in progress (value: its run id). */
  syncLock(): string;
  /**
   * String `iv`: the heartbeat interval (s) the sync job chose for the hot-path budget, JSON
   * `{ intervalSec, viewers, hotPathMonthlyUsd, at }`; absent when no budget is set.
   */
  heartbeatInterval(): string;
}

/** A presence key lives a day past its last window's first heartbeat (the sync job prunes it). */
export const PRESENCE_KEY_EXPIRY_SEC = 86_400;
/** An unsynced watch window is kept a week, so a stopped sync job loses nothing for days. */
export const WATCH_KEY_EXPIRY_SEC = 7 * 86_400;
/** An index outlives the last window of its epoch by as long as that window may wait for sync. */
export const INDEX_KEY_EXPIRY_SEC = WATCH_KEY_EXPIRY_SEC + HOUR_MS / 1000;

export function redisKeys(prefix: string): RedisKeys {
  return {
    presence: (stageId) => `${prefix}p:${stageId}`,
    slotBitmap: (stageId, window, slot) =>
      `${prefix}b:${stageId}:${window}:${slot.offsetSec}:${slot.widthSec}`,
    syncedWindows: () => `${prefix}bsy`,
    hourBits: (stageId, epoch) => `${prefix}hw:${stageId}:${epoch}`,
    dayViewers: (stageId, day) => `${prefix}hd:${stageId}:${day}`,
    viewerIndex: (stageId, epoch) => `${prefix}ix:${stageId}:${epoch}`,
    viewerList: (stageId, epoch) => `${prefix}il:${stageId}:${epoch}`,
    indexedEpochs: () => `${prefix}ixs`,
    presenceMask: () => `${prefix}mk`,
    countScratch: () => `${prefix}ct`,
    sharedCount: (stageId) => `${prefix}c:${stageId}`,
    generation: () => `${prefix}g`,
    stage: (stageId) => `${prefix}s:${stageId}`,
    stages: () => `${prefix}stages`,
    spreadStages: () => `${prefix}spr`,
    marker: () => `${prefix}m`,
    registryVersion: () => `${prefix}v`,
    restoredAt: () => `${prefix}rs`,
    estimate: (stageId) => `${prefix}e:${stageId}`,
    audit: (stageId) => `${prefix}a:${stageId}`,
    unsettledStages: () => `${prefix}us`,
    syncLock: () => `${prefix}lock`,
    heartbeatInterval: () => `${prefix}iv`,
  };
}

/** The pattern that finds every slot bitmap with SCAN (the sync job's work list). */
export function slotBitmapPattern(prefix: string): string {
  return `${prefix}b:*`;
}

/** Reads a slot bitmap key back; `undefined` for keys of another shape or deployment. */
export function parseSlotBitmapKey(prefix: string, key: string): SlotBitmap | undefined {
  if (!key.startsWith(`${prefix}b:`)) return undefined;
  const parts = key.slice(prefix.length + 2).split(":");
  if (parts.length !== 4 || parts[0] === "") return undefined;
  const [stageId, window, offsetSec, widthSec] = [parts[0]!, ...parts.slice(1).map(Number)];
  if (![window, offsetSec, widthSec].every((n) => Number.isInteger(n) && n! >= 0)) return undefined;
  if (widthSec === 0) return undefined;
  return { stageId, window: window!, offsetSec: offsetSec!, widthSec: widthSec! };
}

/** The pattern that finds every audit stream of a deployment with SCAN (the sync job drains them). */
export function auditKeyPattern(prefix: string): string {
  return `${prefix}a:*`;
}

/** Reads the stage id back from an audit stream key; `undefined` for keys of another shape. */
export function parseAuditKey(prefix: string, key: string): { stageId: string } | undefined {
  if (!key.startsWith(`${prefix}a:`)) return undefined;
  const stageId = key.slice(prefix.length + 2);
  return stageId === "" || stageId.includes(":") ? undefined : { stageId };
}
