import type { SlotBitmap } from "./slot-bitmaps.js";
import type { Slot } from "./windows.js";
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
export declare const PRESENCE_KEY_EXPIRY_SEC = 86400;
/** An unsynced watch window is kept a week, so a stopped sync job loses nothing for days. */
export declare const WATCH_KEY_EXPIRY_SEC: number;
/** An index outlives the last window of its epoch by as long as that window may wait for sync. */
export declare const INDEX_KEY_EXPIRY_SEC: number;
export declare function redisKeys(prefix: string): RedisKeys;
/** The pattern that finds every slot bitmap with SCAN (the sync job's work list). */
export declare function slotBitmapPattern(prefix: string): string;
/** Reads a slot bitmap key back; `undefined` for keys of another shape or deployment. */
export declare function parseSlotBitmapKey(prefix: string, key: string): SlotBitmap | undefined;
/** The pattern that finds every audit stream of a deployment with SCAN (the sync job drains them). */
export declare function auditKeyPattern(prefix: string): string;
/** Reads the stage id back from an audit stream key; `undefined` for keys of another shape. */
export declare function parseAuditKey(prefix: string, key: string): {
    stageId: string;
} | undefined;
