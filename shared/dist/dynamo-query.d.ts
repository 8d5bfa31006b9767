import type { DocumentClient } from "./clients.js";
/** Which sort keys of the partition are read. */
export type SortKeyCondition = 
/** From `from` to `to`, both included. */
{
    between: readonly [from: string, to: string];
} | {
    beginsWith: string;
}
/** Strictly before. */
 | {
    below: string;
}
/** Strictly after. */
 | {
    above: string;
};
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
/**
 * The query's pages, one request each, in key order, until the partition's range ends or the
 * caller stops iterating (no request is made for a page not asked for).
 */
export declare function queryPages(db: DocumentClient, query: PartitionQuery): AsyncGenerator<QueryPage, void, undefined>;
/** Every item the query reads, page after page (memory holds one page). */
export declare function queryItems(db: DocumentClient, query: PartitionQuery): AsyncGenerator<Record<string, unknown>, void, undefined>;
/** The first page only: a listing's page, or with `pageSize: 1` the first item. One request. */
export declare function queryPage(db: DocumentClient, query: PartitionQuery): Promise<QueryPage>;
