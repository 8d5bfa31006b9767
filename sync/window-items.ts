import {
  SNAPSHOT_ITEM_TYPE,
  snapshotKeys,
  VIEWING_RECORDS_ITEM_TYPE,
  viewingRecordsKeys,
} from "../shared/dynamo-keys";
import type { SnapshotItem, ViewingRecordsItem } from "../shared/history-items";
import { WINDOW_MS, windowStartMs } from "../shared/windows";
import { itemBytes, valueBytes } from "./item-size";
import type { ViewingRecord, WindowSummary } from "./window-summary";

/** Largest item the packing aims for, in bytes: one write unit. */
export const MAX_PACKED_ITEM_BYTES = 1024;
/** Room left below {@link MAX_PACKED_ITEM_BYTES} for estimate error, in bytes. */
export const PACKING_MARGIN_BYTES = 32;

export function snapshotItem(input: {
  stageId: string;
  window: number;
  summary: WindowSummary;
  viewerCount: number;
  takenAtMs: number;
  ttlDays: number;
}): SnapshotItem {
  const startMs = windowStartMs(input.window);
  return {
    ...snapshotKeys(input.stageId, startMs),
    type: SNAPSHOT_ITEM_TYPE,
    stageId: input.stageId,
    windowStart: new Date(startMs).toISOString(),
    windowEnd: new Date(startMs + WINDOW_MS).toISOString(),
    takenAt: new Date(input.takenAtMs).toISOString(),
    viewerCount: input.viewerCount,
    uniqueViewers: input.summary.records.length,
    watchSeconds: input.summary.watchSeconds,
    ttl: Math.floor(input.takenAtMs / 1000) + Math.round(input.ttlDays * 86_400),
  };
}

/**
 * Packs a window's records (sorted by viewer) into as few items as fit `maxBytes` each, in
 * order, greedily. The same records always give the same items and keys (`part` 000, 001, ...),
 * so a retried run overwrites what an interrupted one wrote.
 */
export function packViewingRecords(
  stageId: string,
  window: number,
  records: readonly ViewingRecord[],
  maxBytes = MAX_PACKED_ITEM_BYTES - PACKING_MARGIN_BYTES,
): ViewingRecordsItem[] {
  const startMs = windowStartMs(window);
  const emptyItem = (part: number): ViewingRecordsItem => ({
    ...viewingRecordsKeys(stageId, startMs, part),
    type: VIEWING_RECORDS_ITEM_TYPE,
    stageId,
    windowStart: new Date(startMs).toISOString(),
    records: [],
  });
  const items: ViewingRecordsItem[] = [];
  let current = emptyItem(0);
  let size = itemBytes(current);
  for (const record of records) {
    const recordBytes = 1 + valueBytes(record);
    if (current.records.length > 0 && size + recordBytes > maxBytes) {
      items.push(current);
      current = emptyItem(items.length);
      size = itemBytes(current);
    }
    current.records.push(record);
    size += recordBytes;
  }
  if (current.records.length > 0) items.push(current);
  return items;
}

/** The items one record would cost without packing (the baseline packing is measured against). */
export function unpackedViewingRecords(
  stageId: string,
  window: number,
  records: readonly ViewingRecord[],
): ViewingRecordsItem[] {
  return records.map((record, part) => ({
    ...packViewingRecords(stageId, window, [record])[0]!,
    ...viewingRecordsKeys(stageId, windowStartMs(window), part),
  }));
}
