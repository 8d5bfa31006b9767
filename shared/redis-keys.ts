import type { SlotBitmap } from "./slot-bitmaps";
import type { Slot } from "./windows";

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
   * String `g`: the data's generation, a random value set when the registry is rebuilt after a
   * loss. Tickets name it, so indexes handed out before a loss are not trusted after it.
   */
  generation(): string;
  /**
   * Sorted set `w2:<stage>:<window>`: the layout before slot bitmaps; one member `<viewer>|<slot offset s>|<slot width s>` per
   * slot a viewer marked, all scored 0, so Redis keeps them in byte order and every viewer's
   * members side by side: the sync job reads a window in pages (ZRANGE BYLEX) and finishes each
   * viewer as it goes, in memory bounded by the page, not by the stage.
   */
  watch(stageId: string, window: number): string;
  /**
   * Hash `w:<stage>:<window>` (field `<viewer>|<slot offset s>`, value the width): the layout
   * before sorted sets, written by workers of an older deploy; the sync job moves its closed
   * windows into `w2:` page by page, then syncs them like any other.
   */
  legacyWatch(stageId: string, window: number): string;
  /**
   * Hash `wp:<stage>:<window>`: how far the sync job got in a sorted-set window too large for
   * one run (`part`, the next item's number, and the totals of the viewers already written, whose
   * members it removed from the window). Deleted with the window. (Slot-bitmap windows keep
   * their progress in DynamoDB, where a Redis data loss cannot take it: sync/windows/ledger-progress.ts.)
   */
  windowProgress(stageId: string, window: number): string;
  /**
   * Set `wps`: the watch keys that have a progress hash, so a run reads progress (one SMEMBERS)
   * only for the windows that have one, not one HGETALL per window.
   */
  windowsInProgress(): string;
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
   * `full` once the sync job has also restored each stage's last snapshot count.
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
export const INDEX_KEY_EXPIRY_SEC = WATCH_KEY_EXPIRY_SEC + 3_600;

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
    generation: () => `${prefix}g`,
    watch: (stageId, window) => `${prefix}w2:${stageId}:${window}`,
    legacyWatch: (stageId, window) => `${prefix}w:${stageId}:${window}`,
    windowProgress: (stageId, window) => `${prefix}wp:${stageId}:${window}`,
    windowsInProgress: () => `${prefix}wps`,
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

/** The layouts of a watch window: `w2:` sorted sets, and `w:` hashes of an older deploy. */
export type WatchLayout = "w2" | "w";

/** The pattern that finds every watch window of a layout with SCAN (the sync job's work list). */
export function watchKeyPattern(prefix: string, layout: WatchLayout = "w2"): string {
  return `${prefix}${layout}:*`;
}

/** Reads stage id and window back from a watch key; `undefined` for keys of another shape. */
export function parseWatchKey(
  prefix: string,
  key: string,
  layout: WatchLayout = "w2",
): { stageId: string; window: number } | undefined {
  if (!key.startsWith(`${prefix}${layout}:`)) return undefined;
  const rest = key.slice(prefix.length + layout.length + 1);
  const at = rest.lastIndexOf(":");
  const window = Number(rest.slice(at + 1));
  if (at <= 0 || !Number.isInteger(window)) return undefined;
  return { stageId: rest.slice(0, at), window };
}

/** Separates viewer id, slot offset and width in a watch member; viewer ids cannot contain it. */
export const WATCH_FIELD_SEPARATOR = "|";

/** The member a heartbeat adds to its window: `<viewer>|<offset s>|<width s>`. */
export function watchMember(viewerId: string, slot: Slot): string {
  return `${viewerId}|${slot.offsetSec}|${slot.widthSec}`;
}

/** A watch member read back; `undefined` when it is not one (skipped, counted as malformed). */
export function parseWatchMember(member: string): ({ viewerId: string } & Slot) | undefined {
  const widthAt = member.lastIndexOf("|");
  const offsetAt = member.lastIndexOf("|", widthAt - 1);
  if (offsetAt <= 0) return undefined;
  const offsetSec = Number(member.slice(offsetAt + 1, widthAt));
  const widthSec = Number(member.slice(widthAt + 1));
  if (
    !(Number.isInteger(offsetSec) && offsetSec >= 0 && Number.isInteger(widthSec) && widthSec > 0)
  ) {
    return undefined;
  }
  return { viewerId: member.slice(0, offsetAt), offsetSec, widthSec };
}

/** The viewer a watch member belongs to (its text up to the first separator after the id). */
export function watchMemberViewer(member: string): string {
  const widthAt = member.lastIndexOf("|");
  return member.slice(0, member.lastIndexOf("|", widthAt - 1));
}

/** A legacy hash field (`w:` layout): `<viewer>|<offset s>`, its value the width. */
export function parseLegacyWatchField(field: string): { viewerId: string; offsetSec: number } {
  const at = field.lastIndexOf(WATCH_FIELD_SEPARATOR);
  return { viewerId: field.slice(0, at), offsetSec: Number(field.slice(at + 1)) };
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
