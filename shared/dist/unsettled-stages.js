import { deleteItem, putItem } from "./dynamo-items.js";
import { UNSETTLED_STAGE_ITEM_TYPE, unsettledMarkKeys, unsettledMarksPartition, } from "./dynamo-keys.js";
import { queryItems } from "./dynamo-query.js";
/** Writes a mark. */
export async function markStageUnsettled(db, tableName, keyPrefix, mark) {
    await putItem(db, tableName, {
        ...unsettledMarkKeys(keyPrefix, mark.stageId, mark.markId),
        type: UNSETTLED_STAGE_ITEM_TYPE,
        ...mark,
    });
}
/**
 * Every mark, in stage id order: Queries of the deployment's partition, every page, strongly
 * consistent (a mark written just before is listed).
 */
export async function listUnsettledMarks(db, tableName, keyPrefix) {
    const marks = [];
    const items = queryItems(db, {
        tableName,
        partition: unsettledMarksPartition(keyPrefix),
        consistentRead: true,
    });
    for await (const item of items) {
        marks.push({
            stageId: String(item.stageId),
            markedAtMs: Number(item.markedAtMs),
            markId: String(item.markId),
        });
    }
    return marks;
}
/** Drops a mark (its write is settled, or was refused). */
export async function dropUnsettledMark(db, tableName, keyPrefix, mark) {
    await deleteItem(db, tableName, unsettledMarkKeys(keyPrefix, mark.stageId, mark.markId));
}
