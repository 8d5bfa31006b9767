import type { DocumentClient } from "@viewer-presence/shared/clients";
import {
  snapshotRange,
  stagePartition,
  viewingRecordsPartition,
  viewingRecordsRange,
} from "@viewer-presence/shared/dynamo-keys";
import { queryItems, queryPages } from "@viewer-presence/shared/dynamo-query";
import type { PackedViewingRecord } from "@viewer-presence/shared/history-items";

/**
 * The viewing records of a stage's windows starting in [fromMs, toMs), one at a time, read one
 * DynamoDB page (1 MB) at a time, so memory holds a page, whatever the range.
 */
export async function* viewingRecordsIn(
  db: DocumentClient,
  tableName: string,
  stageId: string,
  fromMs: number,
  toMs: number,
): AsyncGenerator<PackedViewingRecord> {
  const items = queryItems(db, {
    tableName,
    partition: viewingRecordsPartition(stageId),
    sortKey: { between: viewingRecordsRange(fromMs, toMs) },
  });
  for await (const item of items) {
    for (const record of (item.records ?? []) as PackedViewingRecord[]) yield record;
  }
}

/** The snapshots of a stage's windows starting in [fromMs, toMs), oldest first. */
export function snapshotsIn(
  db: DocumentClient,
  tableName: string,
  stageId: string,
  fromMs: number,
  toMs: number,
): AsyncGenerator<Record<string, unknown>> {
  return queryItems(db, {
    tableName,
    partition: stagePartition(stageId),
    sortKey: { between: snapshotRange(fromMs, toMs) },
  });
}

/**
 * The items listed under a sparse `gsi1` partition (work that is due) with `gsi1sk` before
 * `bound`, oldest first, keeping those `held` says this run is for, at most `max`. Pages on
 * until it has `max` or the listing ends, so entries another run is for never hide ours.
 */
export async function dueItems(
  db: DocumentClient,
  tableName: string,
  partition: string,
  bound: string,
  options: {
    max: number;
    stageOf: (item: Record<string, unknown>) => string;
    held?: (stageIds: readonly string[]) => Promise<boolean[]>;
  },
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  const pages = queryPages(db, {
    tableName,
    index: "gsi1",
    partition,
    sortKey: { below: bound },
    pageSize: 100,
  });
  for await (const { items } of pages) {
    const held = (await options.held?.(items.map(options.stageOf))) ?? items.map(() => true);
    found.push(...items.filter((_, at) => held[at]));
    if (found.length >= options.max) break;
  }
  return found.slice(0, options.max);
}
