/**
 * The one DynamoDB Query of the code: the items of one partition (of the table, or of its index
 * `gsi1`) whose sort keys meet a condition, page by page on `LastEvaluatedKey`. Never a Scan.
 * Keys and prefixes come from dynamo-keys.ts; callers say what to read, not how to page.
 */
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { DocumentClient } from "./clients";
import { GSI1_NAME } from "./table";

/** Which sort keys of the partition are read. */
export type SortKeyCondition =
  /** From `from` to `to`, both included. */
  | { between: readonly [from: string, to: string] }
  | { beginsWith: string }
  /** Strictly before. */
  | { below: string }
  /** Strictly after. */
  | { above: string };

export interface PartitionQuery {
  tableName: string;
  /** Read the index `gsi1` (`gsi1pk` / `gsi1sk`) instead of the table's `pk` / `sk`. */
  index?: "gsi1";
  /** The partition key's value. */
  partition: string;
  /** Default: the whole partition. */
  sortKey?: SortKeyCondition;
  /** Highest sort key first (default lowest first). */
  descending?: boolean;
  /** Most items a page holds (DynamoDB's `Limit`; a page also ends at 1 MB). Default: no limit. */
  pageSize?: number;
  /** Strongly consistent reads (twice the read units; default eventually consistent). */
  consistentRead?: boolean;
  /** Only these attributes of each item (default all). */
  attributes?: readonly string[];
  /** Start after the item of this sort key (a cursor; table queries only). */
  after?: string;
  /** Receives each page's read units (DynamoDB is asked for them only when this is given). */
  onReadUnits?: (units: number) => void;
}

export interface QueryPage {
  items: Record<string, unknown>[];
  /** Where the next page would start (`LastEvaluatedKey`); absent on the last page. */
  lastKey?: Record<string, unknown>;
}

const KEY_NAMES = { table: ["pk", "sk"], gsi1: ["gsi1pk", "gsi1sk"] } as const;

function sortKeyExpression(name: string, condition: SortKeyCondition): string {
  if ("between" in condition) return `${name} BETWEEN :from AND :to`;
  if ("beginsWith" in condition) return `begins_with(${name}, :prefix)`;
  return "below" in condition ? `${name} < :bound` : `${name} > :bound`;
}

function sortKeyValues(condition: SortKeyCondition): Record<string, string> {
  if ("between" in condition) return { ":from": condition.between[0], ":to": condition.between[1] };
  if ("beginsWith" in condition) return { ":prefix": condition.beginsWith };
  return { ":bound": "below" in condition ? condition.below : condition.above };
}

/** The QueryCommand input for one page, starting after `startKey`. */
function queryInput(query: PartitionQuery, startKey: Record<string, unknown> | undefined) {
  const [pk, sk] = KEY_NAMES[query.index ?? "table"];
  const { sortKey, attributes } = query;
  return {
    TableName: query.tableName,
    ...(query.index === "gsi1" ? { IndexName: GSI1_NAME } : {}),
    KeyConditionExpression:
      sortKey === undefined ? `${pk} = :pk` : `${pk} = :pk AND ${sortKeyExpression(sk, sortKey)}`,
    ExpressionAttributeValues: {
      ":pk": query.partition,
      ...(sortKey === undefined ? {} : sortKeyValues(sortKey)),
    },
    ...(attributes === undefined
      ? {}
      : {
          ProjectionExpression: attributes.map((_, i) => `#a${i}`).join(", "),
          ExpressionAttributeNames: Object.fromEntries(
            attributes.map((name, i) => [`#a${i}`, name]),
          ),
        }),
    ...(query.descending ? { ScanIndexForward: false } : {}),
    ...(query.pageSize === undefined ? {} : { Limit: query.pageSize }),
    ...(query.consistentRead ? { ConsistentRead: true } : {}),
    ...(query.onReadUnits ? { ReturnConsumedCapacity: "TOTAL" as const } : {}),
    ExclusiveStartKey: startKey,
  };
}

/**
 * The query's pages, one request each, in key order, until the partition's range ends or the
 * caller stops iterating (no request is made for a page not asked for).
 */
export async function* queryPages(
  db: DocumentClient,
  query: PartitionQuery,
): AsyncGenerator<QueryPage, void, undefined> {
  let startKey: Record<string, unknown> | undefined =
    query.after === undefined ? undefined : { pk: query.partition, sk: query.after };
  do {
    const page = await db.send(new QueryCommand(queryInput(query, startKey)));
    query.onReadUnits?.(page.ConsumedCapacity?.CapacityUnits ?? 0);
    startKey = page.LastEvaluatedKey;
    yield {
      items: (page.Items ?? []) as Record<string, unknown>[],
      ...(startKey === undefined ? {} : { lastKey: startKey }),
    };
  } while (startKey !== undefined);
}

/** Every item the query reads, page after page (memory holds one page). */
export async function* queryItems(
  db: DocumentClient,
  query: PartitionQuery,
): AsyncGenerator<Record<string, unknown>, void, undefined> {
  for await (const page of queryPages(db, query)) yield* page.items;
}

/** The first page only: a listing's page, or with `pageSize: 1` the first item. One request. */
export async function queryPage(db: DocumentClient, query: PartitionQuery): Promise<QueryPage> {
  const first = await queryPages(db, query).next();
  return first.done ? { items: [] } : first.value;
}
