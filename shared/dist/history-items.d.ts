/**
 * The DynamoDB items of history, as the sync job writes them and the worker reads them back
 * (keys from dynamo-keys.ts). One definition, so writer and reader cannot drift apart.
 */
import type { BROADCAST_ITEM_TYPE, DAY_ROLLUP_ITEM_TYPE, HOUR_ROLLUP_ITEM_TYPE, SNAPSHOT_ITEM_TYPE, VIEWER_DAY_ITEM_TYPE, VIEWING_RECORDS_ITEM_TYPE } from "./dynamo-keys.js";
/** Viewers and seconds by key (country code, device class): `{ DE: [viewers, seconds] }`. */
export type Breakdown = Record<string, [viewers: number, seconds: number]>;
/** One viewer's seconds in one window, as stored inside a packed item. */
export type PackedViewingRecord = [viewerId: string, seconds: number];
/** A stage's snapshot of one closed window (expires after `ttl`, epoch s). */
export interface SnapshotItem {
    pk: string;
    sk: string;
    type: typeof SNAPSHOT_ITEM_TYPE;
    stageId: string;
    /** ISO time of the window's first ms. */
    windowStart: string;
    /** ISO time just past the window's last ms. */
    windowEnd: string;
    /** ISO time the sync run read the window. */
    takenAt: string;
    /** Live viewers when the run read the window (presence within the TTL). */
    viewerCount: number;
    /** Distinct viewers who watched during the window. */
    uniqueViewers: number;
    /** Seconds watched in the window, summed over viewers. */
    watchSeconds: number;
    /** Concurrent viewers per 30 s of the window (10 counts; absent before 2026-11-30). */
    slotViewers?: number[];
    /** The largest of `slotViewers`. */
    peakViewers?: number;
    /** Time-weighted mean concurrency over the window: `watchSeconds` / 300. */
    averageViewers?: number;
    /** Viewers and seconds by country and by device class (absent before 2026-11-30). */
    countries?: Breakdown;
    devices?: Breakdown;
    /** Epoch seconds after which DynamoDB deletes the item. */
    ttl: number;
}
/**
 * A stage's figures for one hour or one UTC day, kept permanently: what a year of history is
 * made of (a few hundred items a stage), written by the sync job once the period's windows are
 * all synced, overwritten (never added to) when written again.
 */
export interface RollupItem {
    pk: string;
    sk: string;
    type: typeof HOUR_ROLLUP_ITEM_TYPE | typeof DAY_ROLLUP_ITEM_TYPE;
    stageId: string;
    /** ISO time of the period's first ms, and just past its last. */
    periodStart: string;
    periodEnd: string;
    /** Distinct viewers who watched in the period; exact for hours, see `uniqueViewersExact`. */
    uniqueViewers: number;
    /** False for days: their distinct viewers come from a HyperLogLog (standard error 0.81 %). */
    uniqueViewersExact: boolean;
    watchSeconds: number;
    /** The largest 30-s concurrency of the period. */
    peakViewers: number;
    /** Time-weighted mean concurrency: `watchSeconds` / the period's length. */
    averageViewers: number;
    /** Hours only: distinct viewers and seconds by country and device class. */
    countries?: Breakdown;
    devices?: Breakdown;
    /** Snapshots (5-minute windows) or hours the figures were made of. */
    parts: number;
    /** Days only, until their per-viewer totals are written: the sparse `VIEWER_DAYS_DUE` entry. */
    gsi1pk?: string;
    gsi1sk?: string;
}
/** Several viewers' records of one window in one item, kept permanently. */
export interface ViewingRecordsItem {
    pk: string;
    sk: string;
    type: typeof VIEWING_RECORDS_ITEM_TYPE;
    stageId: string;
    windowStart: string;
    records: PackedViewingRecord[];
}
/**
 * One broadcast: a stage from going live to being ended. The edge writes its start and end
 * (shared/broadcasts.ts); the sync job adds the figures once the last window is synced
 * (sync/history/broadcast-summaries.ts). Kept permanently.
 */
export interface BroadcastItem {
    pk: string;
    sk: string;
    type: typeof BROADCAST_ITEM_TYPE;
    stageId: string;
    broadcastId: string;
    startedAt: string;
    /** Null while live. */
    endedAt: string | null;
    /** The figures, absent until the sync job has summarised the ended broadcast. */
    peakViewers?: number;
    peakAt?: string | null;
    averageViewers?: number;
    uniqueViewers?: number;
    uniqueViewersExact?: boolean;
    secondsWatched?: number;
    averageSecondsPerViewer?: number;
    /** ISO time the figures were computed. */
    summarizedAt?: string;
    /** Sparse index entry while the summary is due (dynamo-keys.ts). */
    gsi1pk?: string;
    gsi1sk?: string;
}
/** A viewer's seconds on one stage in one UTC day, written whole by the sync job. */
export interface ViewerDayItem {
    pk: string;
    sk: string;
    type: typeof VIEWER_DAY_ITEM_TYPE;
    viewerId: string;
    stageId: string;
    /** yyyy-mm-dd (UTC). */
    day: string;
    seconds: number;
}
