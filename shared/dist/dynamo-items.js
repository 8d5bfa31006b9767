/**
 * Item reads and writes by key (GetItem, PutItem, UpdateItem, DeleteItem, and one call of
 * BatchGetItem or BatchWriteItem), over the document client the caller passes in. With
 * dynamo-query.ts, the only code that speaks the AWS SDK's commands. Capacity is asked of
 * DynamoDB only where a caller counts it (`onReadUnits`, `onWriteUnits`).
 */
import { BatchGetCommand, BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, UpdateCommand, } from "@aws-sdk/lib-dynamodb";
const unitsOf = (consumed) => [consumed ?? []].flat().reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
const countUnits = (count) => count === undefined ? {} : { ReturnConsumedCapacity: "TOTAL" };
/** Whether a write failed because its condition did not hold (the item was not as expected). */
export function isConditionFailure(error) {
    return error instanceof Error && error.name === "ConditionalCheckFailedException";
}
/** The item of `key`, or `undefined` when there is none. */
export async function getItem(db, tableName, key, options = {}) {
    const output = await db.send(new GetCommand({
        TableName: tableName,
        Key: key,
        ...(options.consistentRead ? { ConsistentRead: true } : {}),
        ...countUnits(options.onReadUnits),
    }));
    options.onReadUnits?.(unitsOf(output.ConsumedCapacity));
    return output.Item;
}
/**
 * Writes an item whole. With `ifAbsent`, only when no item has its key: otherwise it throws a
 * condition failure ({@link isConditionFailure}).
 */
export async function putItem(db, tableName, item, options = {}) {
    await db.send(new PutCommand({
        TableName: tableName,
        Item: item,
        ...(options.ifAbsent ? { ConditionExpression: "attribute_not_exists(pk)" } : {}),
    }));
}
/** `SET #f0 = :v0, #f1 = :v1, ...`, one per field, with the names and values it uses. */
export function setFields(fields) {
    const entries = Object.entries(fields);
    return {
        clause: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(", ")}`,
        names: Object.fromEntries(entries.map(([name], i) => [`#f${i}`, name])),
        values: Object.fromEntries(entries.map(([, value], i) => [`:v${i}`, value])),
    };
}
/** Updates the item of `key`; returns it as it is after the update when `returnItem` asks. */
export async function updateItem(db, tableName, key, update) {
    const output = await db.send(new UpdateCommand({
        TableName: tableName,
        Key: key,
        UpdateExpression: update.expression,
        ...(update.condition === undefined ? {} : { ConditionExpression: update.condition }),
        ...(update.names === undefined ? {} : { ExpressionAttributeNames: update.names }),
        ...(update.values === undefined ? {} : { ExpressionAttributeValues: update.values }),
        ...(update.returnItem ? { ReturnValues: "ALL_NEW" } : {}),
        ...countUnits(update.onWriteUnits),
    }));
    update.onWriteUnits?.(unitsOf(output.ConsumedCapacity));
    return output.Attributes;
}
/** Deletes the item of `key`, whether it exists or not. */
export async function deleteItem(db, tableName, key, options = {}) {
    const output = await db.send(new DeleteCommand({ TableName: tableName, Key: key, ...countUnits(options.onWriteUnits) }));
    options.onWriteUnits?.(unitsOf(output.ConsumedCapacity));
}
/**
 * One BatchGetItem call (at most 100 keys): the items found, and the keys DynamoDB left
 * unprocessed, for the caller to ask again.
 */
export async function batchGetItems(db, tableName, keys, options = {}) {
    const output = await db.send(new BatchGetCommand({
        RequestItems: {
            [tableName]: {
                Keys: [...keys],
                ...(options.consistentRead ? { ConsistentRead: true } : {}),
            },
        },
        ...countUnits(options.onReadUnits),
    }));
    options.onReadUnits?.(unitsOf(output.ConsumedCapacity));
    return {
        items: output.Responses?.[tableName] ?? [],
        unprocessed: output.UnprocessedKeys?.[tableName]?.Keys ?? [],
    };
}
/**
 * One BatchWriteItem call putting `items` (at most 25): the items DynamoDB left unprocessed, for
 * the caller to send again.
 */
export async function batchPutItems(db, tableName, items, options = {}) {
    const output = await db.send(new BatchWriteCommand({
        RequestItems: {
            [tableName]: items.map((item) => ({ PutRequest: { Item: item } })),
        },
        ...countUnits(options.onWriteUnits),
    }));
    options.onWriteUnits?.(unitsOf(output.ConsumedCapacity));
    return (output.UnprocessedItems?.[tableName] ?? []).flatMap((request) => request.PutRequest?.Item ? [request.PutRequest.Item] : []);
}
