import type { DocumentClient } from "./clients.js";
/** An item, or its key (`pk`, `sk`), in document-client form (lib-dynamodb marshals it). */
export type Item = Record<string, unknown>;
/** Whether a write failed because its condition did not hold (the item was not as expected). */
export declare function isConditionFailure(error: unknown): boolean;
/** The item of `key`, or `undefined` when there is none. */
export declare function getItem(db: DocumentClient, tableName: string, key: Item, options?: {
    consistentRead?: boolean;
    onReadUnits?: (units: number) => void;
}): Promise<Item | undefined>;
/**
 * Writes an item whole. With `ifAbsent`, only when no item has its key: otherwise it throws a
 * condition failure ({@link isConditionFailure}).
 */
export declare function putItem(db: DocumentClient, tableName: string, item: object, options?: {
    ifAbsent?: boolean;
}): Promise<void>;
/** A change to an item, in DynamoDB's expression language. */
export interface ItemUpdate {
    /** The UpdateExpression: its SET, REMOVE and ADD clauses. */
    expression: string;
    /** Applied only if this holds (ConditionExpression); otherwise a condition failure is thrown. */
    condition?: string;
    names?: Record<string, string>;
    values?: Record<string, unknown>;
    /** Answer the item as it is after the update (default: nothing). */
    returnItem?: boolean;
    onWriteUnits?: (units: number) => void;
}
/** `SET #f0 = :v0, #f1 = :v1, ...`, one per field, with the names and values it uses. */
export declare function setFields(fields: Record<string, unknown>): {
    clause: string;
    names: Record<string, string>;
    values: Record<string, unknown>;
};
/** Updates the item of `key`; returns it as it is after the update when `returnItem` asks. */
export declare function updateItem(db: DocumentClient, tableName: string, key: Item, update: ItemUpdate): Promise<Item | undefined>;
/** Deletes the item of `key`, whether it exists or not. */
export declare function deleteItem(db: DocumentClient, tableName: string, key: Item, options?: {
    onWriteUnits?: (units: number) => void;
}): Promise<void>;
/**
 * One BatchGetItem call (at most 100 keys): the items found, and the keys DynamoDB left
 * unprocessed, for the caller to ask again.
 */
export declare function batchGetItems(db: DocumentClient, tableName: string, keys: readonly Item[], options?: {
    consistentRead?: boolean;
    onReadUnits?: (units: number) => void;
}): Promise<{
    items: Item[];
    unprocessed: Item[];
}>;
/**
 * One BatchWriteItem call putting `items` (at most 25): the items DynamoDB left unprocessed, for
 * the caller to send again.
 */
export declare function batchPutItems(db: DocumentClient, tableName: string, items: readonly object[], options?: {
    onWriteUnits?: (units: number) => void;
}): Promise<Item[]>;
