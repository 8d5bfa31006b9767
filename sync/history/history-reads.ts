import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { DocumentClient } from "@viewer-presence/shared/clients";
import {
  SNAPSHOT_PREFIX,
  snapshotKeys,
  viewingRecordsPartition,
} from "@viewer-presence/shared/dynamo-keys";
import type { PackedViewingRecord } from "@viewer-presence/shared/history-items";
import { GSI1_NAME } from "@viewer-presence/shared/table";

const iso = (ms: number) => new Date(ms).toISOString();

/** Every item of a partition whose sort key is in [from, to], page by page (Query, never Scan). */
async function* queryRange(
  db: DocumentClient,
  tableName: string,
  pk: string,
  from: string,
  to: string,
): AsyncGenerator<Record<string, unknown>> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
        ExpressionAttributeValues: { ":pk": pk, ":from": from, ":to": to },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) yield item as Record<string, unknown>;
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
}

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
  // Sort keys are `<window start ISO>#<part>`: every part of a window starting before `toMs`
  // sorts before the ISO time of `toMs - 1` (equal-length ISO strings, then `#`).
  const items = queryRange(
    db,
    tableName,
    viewingRecordsPartition(stageId),
    iso(fromMs),
    iso(toMs - 1),
  );
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
  return queryRange(
    db,
    tableName,
    snapshotKeys(stageId, 0).pk,
    `${SNAPSHOT_PREFIX}${iso(fromMs)}`,
    `${SNAPSHOT_PREFIX}${iso(toMs - 1)}`,
  );
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
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: GSI1_NAME,
        KeyConditionExpression: "gsi1pk = :p AND gsi1sk < :bound",
        ExpressionAttributeValues: { ":p": partition, ":bound": bound },
        ExclusiveStartKey: startKey,
        Limit: 100,
      }),
    );
    const items = (page.Items ?? []) as Record<string, unknown>[];
    const held = (await options.held?.(items.map(options.stageOf))) ?? items.map(() => true);
    found.push(...items.filter((_, at) => held[at]));
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined && found.length < options.max);
  return found.slice(0, options.max);
}
