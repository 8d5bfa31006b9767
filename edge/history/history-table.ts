import type { z } from "@hono/zod-openapi";
import type { DeviceClass } from "@viewer-presence/shared/audience";
import type { DocumentClient } from "@viewer-presence/shared/clients";
import {
  dayRollupRange,
  hourRollupRange,
  type SortKeyRange,
  snapshotRange,
  stagePartition,
  viewingRecordsPartition,
  viewingRecordsRange,
} from "@viewer-presence/shared/dynamo-keys";
import {
  type PartitionQuery,
  type QueryPage,
  queryPage,
} from "@viewer-presence/shared/dynamo-query";
import type { RollupItem, SnapshotItem } from "@viewer-presence/shared/history-items";
import { readLatestSnapshot } from "@viewer-presence/shared/snapshot-estimate";
import { WINDOW_MS } from "@viewer-presence/shared/windows";
import type { ViewingRecordSchema } from "../../openapi/schemas/history";
import { dynamoCall } from "../dynamo-call";
import { problems } from "../problems";

/** A snapshot as the API answers it: the stored item, its breakdowns as rows. */
export type Snapshot = Omit<
  SnapshotItem,
  "pk" | "sk" | "type" | "ttl" | "countries" | "devices"
> & {
  countries?: { country: string; viewers: number; seconds: number }[];
  devices?: { device: DeviceClass; viewers: number; seconds: number }[];
};

/** A viewing record as the API answers it: the contract's one definition. */
export type ViewingRecord = z.infer<typeof ViewingRecordSchema>;

/** Windows starting in [fromMs, toMs), a page after `afterSk` (the cursor). */
export interface RangeQuery {
  stageId: string;
  fromMs: number;
  toMs: number;
  afterSk?: string;
}

/** One page of a Query, its failures sorted for the API (dynamo-call.ts). */
function query(db: DocumentClient, input: PartitionQuery) {
  return dynamoCall(() => queryPage(db, input));
}

/**
 * The sort keys a range covers, inclusive. A cursor is the last key of a page read inside a
 * range; one outside the range (forged, or from another range) is a 400: DynamoDB would refuse
 * it as an `ExclusiveStartKey` anyway, and a client must not retry it.
 */
function checkCursor(afterSk: string | undefined, [from, to]: SortKeyRange): void {
  if (afterSk === undefined || (afterSk >= from && afterSk <= to)) return;
  throw problems.validation([
    { path: "query.cursor", message: "The cursor belongs to another range than `from`/`to`" },
  ]);
}

/** The history the sync job wrote, read back one DynamoDB Query per page (never a Scan). */
export function historyTable(db: DocumentClient, tableName: string) {
  /** One page of the stage's items whose sort keys are `between`, after the range's cursor. */
  function stagePage(range: RangeQuery, between: SortKeyRange, limit: number) {
    checkCursor(range.afterSk, between);
    return query(db, {
      tableName,
      partition: stagePartition(range.stageId),
      sortKey: { between },
      ...(range.afterSk ? { after: range.afterSk } : {}),
      pageSize: limit,
    });
  }

  return {
    async snapshots(
      range: RangeQuery,
      limit: number,
    ): Promise<{ items: Snapshot[]; lastSk?: string }> {
      const result = await stagePage(range, snapshotRange(range.fromMs, range.toMs), limit);
      const items = result.items.map((item) => snapshotOf(item, range.stageId));
      return withLastSk(items, result);
    },

    /** Hour or day rollups whose period starts in the range, oldest first. */
    async rollups(
      range: RangeQuery,
      period: "hour" | "day",
      limit: number,
    ): Promise<{ items: Rollup[]; lastSk?: string }> {
      const between = (period === "hour" ? hourRollupRange : dayRollupRange)(
        range.fromMs,
        range.toMs,
      );
      const result = await stagePage(range, between, limit);
      const items = result.items.map((item) => rollupOf(item, range.stageId, period));
      return withLastSk(items, result);
    },

    /** The stage's newest snapshot's count and time, or `undefined` when it has none. */
    latestSnapshot(stageId: string) {
      return dynamoCall(() => readLatestSnapshot(db, tableName, stageId));
    },

    /**
     * Viewing records, unpacked. Reads packed items in key order until `limit` records are
     * gathered; never splits an item across pages, so a page ends before an item that would
     * overflow it. Reads at most `maxItems` items per call to bound a filtered page's cost.
     */
    viewingRecords(range: RangeQuery, options: ViewingRecordsQuery) {
      return readViewingRecords(db, tableName, range, options);
    },
  };
}

/** A page's items, and the sort key to read the next after when there is more. */
function withLastSk<T>(items: T[], result: QueryPage): { items: T[]; lastSk?: string } {
  const lastSk = result.lastKey?.sk;
  return typeof lastSk === "string" ? { items, lastSk } : { items };
}

const iso = (ms: number) => new Date(ms).toISOString();

function unpack(item: Record<string, unknown>, stageId: string): ViewingRecord[] {
  const windowStart = String(item.windowStart);
  const windowEnd = iso(Date.parse(windowStart) + WINDOW_MS);
  const packed = Array.isArray(item.records) ? (item.records as unknown[]) : [];
  return packed.flatMap((entry) => {
    if (!Array.isArray(entry) || typeof entry[0] !== "string") return [];
    return [
      { stageId, viewerId: entry[0], windowStart, windowEnd, seconds: Number(entry[1] ?? 0) },
    ];
  });
}

export type HistoryTable = ReturnType<typeof historyTable>;

/** A rollup as the API answers it. */
export type Rollup = Omit<RollupItem, "pk" | "sk" | "type" | "parts" | "countries" | "devices"> & {
  period: "hour" | "day";
  countries?: { country: string; viewers: number; seconds: number }[];
  devices?: { device: DeviceClass; viewers: number; seconds: number }[];
};

/** An item's stored breakdowns as the API's rows, when it has them. */
function breakdowns(item: Record<string, unknown>) {
  if (item.countries === undefined || item.devices === undefined) return {};
  return {
    countries: breakdownRows(item.countries).map(([country, viewers, seconds]) => ({
      country,
      viewers,
      seconds,
    })),
    devices: breakdownRows(item.devices).map(([device, viewers, seconds]) => ({
      device: device as DeviceClass,
      viewers,
      seconds,
    })),
  };
}

/** A stored breakdown (`{ key: [viewers, seconds] }`) as rows, most viewers first. */
function breakdownRows(stored: unknown): [key: string, viewers: number, seconds: number][] {
  if (stored === null || typeof stored !== "object") return [];
  return Object.entries(stored as Record<string, unknown>)
    .map(([key, value]): [string, number, number] => {
      const [viewers, seconds] = Array.isArray(value) ? value : [0, 0];
      return [key, Number(viewers), Number(seconds)];
    })
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

/** A snapshot item as the API answers it. */
function snapshotOf(item: Record<string, unknown>, stageId: string): Snapshot {
  return {
    stageId: String(item.stageId ?? stageId),
    windowStart: String(item.windowStart),
    windowEnd: String(item.windowEnd),
    takenAt: String(item.takenAt),
    viewerCount: Number(item.viewerCount ?? 0),
    uniqueViewers: Number(item.uniqueViewers ?? 0),
    watchSeconds: Number(item.watchSeconds ?? 0),
    // Snapshots written before concurrency was counted have none of these.
    ...(Array.isArray(item.slotViewers)
      ? {
          slotViewers: (item.slotViewers as unknown[]).map(Number),
          peakViewers: Number(item.peakViewers ?? 0),
          averageViewers: Number(item.averageViewers ?? 0),
        }
      : {}),
    ...breakdowns(item),
  };
}

/** An hour or day rollup item as the API answers it. */
function rollupOf(item: Record<string, unknown>, stageId: string, period: "hour" | "day"): Rollup {
  return {
    stageId: String(item.stageId ?? stageId),
    period,
    periodStart: String(item.periodStart),
    periodEnd: String(item.periodEnd),
    uniqueViewers: Number(item.uniqueViewers ?? 0),
    uniqueViewersExact: item.uniqueViewersExact === true,
    watchSeconds: Number(item.watchSeconds ?? 0),
    peakViewers: Number(item.peakViewers ?? 0),
    averageViewers: Number(item.averageViewers ?? 0),
    ...breakdowns(item),
  };
}

interface ViewingRecordsQuery {
  limit: number;
  viewerId?: string;
  maxItems?: number;
}

/**
 * Viewing records, unpacked. Reads packed items in key order until `limit` records are
 * gathered; never splits an item across pages, so a page ends before an item that would
 * overflow it. Reads at most `maxItems` items per call to bound a filtered page's cost.
 */
async function readViewingRecords(
  db: DocumentClient,
  tableName: string,
  range: RangeQuery,
  options: ViewingRecordsQuery,
): Promise<{ items: ViewingRecord[]; lastSk?: string }> {
  const between = viewingRecordsRange(range.fromMs, range.toMs);
  checkCursor(range.afterSk, between);
  const maxItems = options.maxItems ?? 50;
  const records: ViewingRecord[] = [];
  let afterSk = range.afterSk;
  let read = 0;
  // Each request starts after the last item taken: a page of records may end inside one.
  while (read < maxItems) {
    const result = await query(db, {
      tableName,
      partition: viewingRecordsPartition(range.stageId),
      sortKey: { between },
      ...(afterSk ? { after: afterSk } : {}),
      pageSize: Math.min(10, maxItems - read),
    });
    for (const item of result.items) {
      const unpacked = unpack(item, range.stageId).filter(
        (record) => options.viewerId === undefined || record.viewerId === options.viewerId,
      );
      if (records.length > 0 && records.length + unpacked.length > options.limit) {
        return { items: records, lastSk: afterSk! };
      }
      records.push(...unpacked);
      afterSk = String(item.sk);
      read++;
    }
    if (result.lastKey === undefined) return { items: records };
  }
  return afterSk === undefined ? { items: records } : { items: records, lastSk: afterSk };
}
