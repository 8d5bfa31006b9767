/**
 * The DynamoDB items of history, as the sync job writes them and the worker reads them back
 * (keys from dynamo-keys.ts). One definition, so writer and reader cannot drift apart.
 */
import type { SNAPSHOT_ITEM_TYPE, VIEWING_RECORDS_ITEM_TYPE } from "./dynamo-keys";

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

/** Several viewers' records of one window in one item, kept permanently. */
export interface ViewingRecordsItem {
  pk: string;
  sk: string;
  type: typeof VIEWING_RECORDS_ITEM_TYPE;
  stageId: string;
  windowStart: string;
  records: PackedViewingRecord[];
}
