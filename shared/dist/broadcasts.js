import { isConditionFailure, putItem, updateItem } from "./dynamo-items.js";
import { BROADCAST_ITEM_TYPE, BROADCAST_PREFIX, broadcastDueKeys, broadcastIdOf, broadcastKeys, stagePartition, } from "./dynamo-keys.js";
import { queryPage } from "./dynamo-query.js";
/** The stage's newest broadcast, or the newest that started before `beforeMs`; undefined if none. */
export async function latestBroadcast(db, tableName, stageId, beforeMs) {
    const result = await queryPage(db, {
        tableName,
        partition: stagePartition(stageId),
        // Sort keys of other items of the partition (CONFIG, DAY#, ...) never fall in this range.
        sortKey: {
            between: [
                BROADCAST_PREFIX,
                beforeMs === undefined ? `${BROADCAST_PREFIX}~` : broadcastKeys(stageId, beforeMs - 1).sk,
            ],
        },
        descending: true,
        pageSize: 1,
    });
    return result.items[0];
}
/**
 * Makes the stage's broadcasts agree with its status. Live with no open broadcast: one starts
 * at `updatedAt` (its creation, or the change that reopened it). Ended with an open broadcast:
 * it ends at `updatedAt`, and is listed as due for its summary. A stage live before broadcasts
 * were recorded and ended now gets one broadcast from its creation. Returns what it did.
 */
export async function reconcileBroadcast(db, tableName, stage) {
    const latest = await latestBroadcast(db, tableName, stage.id);
    const open = latest !== undefined && latest.endedAt === null;
    const atMs = Date.parse(stage.updatedAt);
    if (stage.status === "live" && !open) {
        // A reopening in the same ms as the start before it would reuse its key: start 1 ms on.
        const startMs = Math.max(atMs, latest ? Date.parse(latest.startedAt) + 1 : atMs);
        await putIfAbsent(db, tableName, stage.id, startMs, null);
        return "started";
    }
    if (stage.status === "ended" && open) {
        const startMs = Date.parse(latest.startedAt);
        try {
            await updateItem(db, tableName, broadcastKeys(stage.id, startMs), {
                expression: "SET endedAt = :end, gsi1pk = :gpk, gsi1sk = :gsk",
                condition: "endedAt = :null",
                values: {
                    ":end": new Date(Math.max(atMs, startMs)).toISOString(),
                    ":null": null,
                    ...dueValues(broadcastDueKeys(stage.id, startMs, Math.max(atMs, startMs))),
                },
            });
        }
        catch (error) {
            if (!isConditionFailure(error))
                throw error; // ended meanwhile by another request
        }
        return "ended";
    }
    if (stage.status === "ended" && latest === undefined) {
        await putIfAbsent(db, tableName, stage.id, Date.parse(stage.createdAt), atMs);
        return "ended";
    }
    return "unchanged";
}
function dueValues(keys) {
    return { ":gpk": keys.gsi1pk, ":gsk": keys.gsi1sk };
}
async function putIfAbsent(db, tableName, stageId, startMs, endMs) {
    const item = {
        ...broadcastKeys(stageId, startMs),
        type: BROADCAST_ITEM_TYPE,
        stageId,
        broadcastId: broadcastIdOf(startMs),
        startedAt: new Date(startMs).toISOString(),
        endedAt: endMs === null ? null : new Date(endMs).toISOString(),
        ...(endMs === null ? {} : broadcastDueKeys(stageId, startMs, endMs)),
    };
    try {
        await putItem(db, tableName, item, { ifAbsent: true });
    }
    catch (error) {
        if (!isConditionFailure(error))
            throw error; // a concurrent request wrote the same one
    }
}
