/**
 * The one DynamoDB Query of the code: the items of one partition (of the table, or of its index
 * `gsi1`) whose sort keys meet a condition, page by page on `LastEvaluatedKey`. Never a Scan.
 * Keys and prefixes come from dynamo-keys.ts; callers say what to read, not how to page.
 */
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { GSI1_NAME } from "./table.js";
const KEY_NAMES = { table: ["pk", "sk"], gsi1: ["gsi1pk", "gsi1sk"] };
function sortKeyExpression(name, condition) {
    if ("between" in condition)
        return `${name} BETWEEN :from AND :to`;
    if ("beginsWith" in condition)
        return `begins_with(${name}, :prefix)`;
    return "below" in condition ? `${name} < :bound` : `${name} > :bound`;
}
function sortKeyValues(condition) {
    if ("between" in condition)
        return { ":from": condition.between[0], ":to": condition.between[1] };
    if ("beginsWith" in condition)
        return { ":prefix": condition.beginsWith };
    return { ":bound": "below" in condition ? condition.below : condition.above };
}
/** The QueryCommand input for one page, starting after `startKey`. */
function queryInput(query, startKey) {
    const [pk, sk] = KEY_NAMES[query.index ?? "table"];
    const { sortKey, attributes } = query;
    return {
        TableName: query.tableName,
        ...(query.index === "gsi1" ? { IndexName: GSI1_NAME } : {}),
        KeyConditionExpression: sortKey === undefined ? `${pk} = :pk` : `${pk} = :pk AND ${sortKeyExpression(sk, sortKey)}`,
        ExpressionAttributeValues: {
            ":pk": query.partition,
            ...(sortKey === undefined ? {} : sortKeyValues(sortKey)),
        },
        ...(attributes === undefined
            ? {}
            : {
                ProjectionExpression: attributes.map((_, i) => `#a${i}`).join(", "),
                ExpressionAttributeNames: Object.fromEntries(attributes.map((name, i) => [`#a${i}`, name])),
            }),
        ...(query.descending ? { ScanIndexForward: false } : {}),
        ...(query.pageSize === undefined ? {} : { Limit: query.pageSize }),
        ...(query.consistentRead ? { ConsistentRead: true } : {}),
        ...(query.onReadUnits ? { ReturnConsumedCapacity: "TOTAL" } : {}),
        ExclusiveStartKey: startKey,
    };
}
/**
 * The query's pages, one request each, in key order, until the partition's range ends or the
 * caller stops iterating (no request is made for a page not asked for).
 */
export async function* queryPages(db, query) {
    let startKey = query.after === undefined ? undefined : { pk: query.partition, sk: query.after };
    do {
        const page = await db.send(new QueryCommand(queryInput(query, startKey)));
        query.onReadUnits?.(page.ConsumedCapacity?.CapacityUnits ?? 0);
        startKey = page.LastEvaluatedKey;
        yield {
            items: (page.Items ?? []),
            ...(startKey === undefined ? {} : { lastKey: startKey }),
        };
    } while (startKey !== undefined);
}
/** Every item the query reads, page after page (memory holds one page). */
export async function* queryItems(db, query) {
    for await (const page of queryPages(db, query))
        yield* page.items;
}
/** The first page only: a listing's page, or with `pageSize: 1` the first item. One request. */
export async function queryPage(db, query) {
    const first = await queryPages(db, query).next();
    return first.done ? { items: [] } : first.value;
}
