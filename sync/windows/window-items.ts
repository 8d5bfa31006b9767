import {
  SNAPSHOT_ITEM_TYPE,
  snapshotKeys,
  VIEWING_RECORDS_ITEM_TYPE,
  viewingRecordsKeys,
} from "@viewer-presence/shared/dynamo-keys";
import type { SnapshotItem, ViewingRecordsItem } from "@viewer-presence/shared/history-items";
import { INDEX_KEY_EXPIRY_SEC } from "@viewer-presence/shared/redis-keys";
import { WINDOW_MS, windowStartMs } from "@viewer-presence/shared/windows";
import { itemBytes, valueBytes } from "./item-size";
import type { WindowRecord, WindowTotals } from "./window-accumulator";

/**
 * How long the ledger keeps what it knows of a window, in s: longer than Redis keeps any of the
 * window's data (its index, a week and an hour), so a window Redis can still hand the job is
 * always known to the ledger. A window's snapshot is the ledger's proof that it is whole, so
 * snapshots are kept at least this long; progress items (ledger-progress.ts) this long.
 */
export const LEDGER_KEEP_SEC = INDEX_KEY_EXPIRY_SEC + 86_400;

/** Largest item the packing aims for, in bytes: one write unit. */
export const MAX_PACKED_ITEM_BYTES = 1024;
/** Room left below {@link MAX_PACKED_ITEM_BYTES} for estimate error, in bytes. */
export const PACKING_MARGIN_BYTES = 32;

/** A window's snapshot, kept `ttlDays` (at least LEDGER_KEEP_SEC). */
export function snapshotItem(input: {
  stageId: string;
  window: number;
  totals: WindowTotals;
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
    uniqueViewers: input.totals.uniqueViewers,
    watchSeconds: input.totals.watchSeconds,
    slotViewers: input.totals.slotViewers,
    peakViewers: Math.max(0, ...input.totals.slotViewers),
    averageViewers: Math.round((input.totals.watchSeconds / (WINDOW_MS / 1000)) * 100) / 100,
    // Totals summed without audiences have none: no breakdown rather than a wrong one.
    ...(Object.keys(input.totals.countries).length > 0
      ? { countries: input.totals.countries, devices: input.totals.devices }
      : {}),
    // A snapshot is also the ledger's proof that its window is whole (window-ledger.ts): it
    // outlives any copy of the window Redis may still hold, whatever the retention asked.
    ttl:
      Math.floor(input.takenAtMs / 1000) +
      Math.max(Math.round(input.ttlDays * 86_400), LEDGER_KEEP_SEC),
  };
}

/**
 * Packs a window's records, as they come, into as few items as fit `maxBytes` each, greedily
 * and in order: `onItem` receives each item as soon as it is full, so a huge window never sits
 * in memory. The same records always give the same items and keys (`part` 000, 001, ...), so a
 * retried run overwrites what an interrupted one wrote.
 */
export function createRecordPacker(
  stageId: string,
  window: number,
  maxBytes: number,
  onItem: (item: ViewingRecordsItem) => void,
  /** The first part number (a window resumed where a previous run's items end). */
  firstPart = 0,
) {
  const startMs = windowStartMs(window);
  let parts = firstPart;
  const emptyItem = (): ViewingRecordsItem => ({
    ...viewingRecordsKeys(stageId, startMs, parts),
    type: VIEWING_RECORDS_ITEM_TYPE,
    stageId,
    windowStart: new Date(startMs).toISOString(),
    records: [],
  });
  let current = emptyItem();
  let size = itemBytes(current);
  return {
    add(record: WindowRecord): void {
      const recordBytes = 1 + valueBytes(record);
      if (current.records.length > 0 && size + recordBytes > maxBytes) {
        onItem(current);
        parts++;
        current = emptyItem();
        size = itemBytes(current);
      }
      current.records.push(record);
      size += recordBytes;
    },
    /** Emits the last, partly filled item; returns how many items were emitted in all. */
    finish(): number {
      if (current.records.length > 0) {
        onItem(current);
        parts++;
      }
      return parts;
    },
  };
}

/** {@link createRecordPacker} over records already in memory. */
export function packViewingRecords(
  stageId: string,
  window: number,
  records: readonly WindowRecord[],
  maxBytes = MAX_PACKED_ITEM_BYTES - PACKING_MARGIN_BYTES,
): ViewingRecordsItem[] {
  const items: ViewingRecordsItem[] = [];
  const packer = createRecordPacker(stageId, window, maxBytes, (item) => items.push(item));
  for (const record of records) packer.add(record);
  packer.finish();
  return items;
}

/** The items one record would cost without packing (the baseline packing is measured against). */
export function unpackedViewingRecords(
  stageId: string,
  window: number,
  records: readonly WindowRecord[],
): ViewingRecordsItem[] {
  return records.map((record, part) => ({
    ...packViewingRecords(stageId, window, [record])[0]!,
    ...viewingRecordsKeys(stageId, windowStartMs(window), part),
  }));
}
