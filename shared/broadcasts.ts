/**
 * A stage's broadcasts, kept in step with its status: a stage going live starts one, being ended
 * ends it, and reopening starts another. The stage's own item stays the source of truth; the
 * broadcast items follow it, so one function, {@link reconcileBroadcast}, serves both the edge
 * (right after a stage is created or changed) and the sync job (repairing a stage whose write
 * timed out at the edge). It is idempotent: running it again changes nothing.
 */
import type { DocumentClient } from "./clients";
import { isConditionFailure, putItem, updateItem } from "./dynamo-items";
import {
  BROADCAST_ITEM_TYPE,
  BROADCAST_PREFIX,
  broadcastDueKeys,
  broadcastIdOf,
  broadcastKeys,
  stagePartition,
} from "./dynamo-keys";
import { queryPage } from "./dynamo-query";
import type { BroadcastItem } from "./history-items";
import type { Stage } from "./stage";

/** The stage's newest broadcast, or the newest that started before `beforeMs`; undefined if none. */
export async function latestBroadcast(
  db: DocumentClient,
  tableName: string,
  stageId: string,
  beforeMs?: number,
): Promise<BroadcastItem | undefined> {
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
  return result.items[0] as BroadcastItem | undefined;
}

/**
 * Makes the stage's broadcasts agree with its status. Live with no open broadcast: one starts
 * at `updatedAt` (its creation, or the change that reopened it). Ended with an open broadcast:
 * it ends at `updatedAt`, and is listed as due for its summary. A stage live before broadcasts
 * were recorded and ended now gets one broadcast from its creation. Returns what it did.
 */
export async function reconcileBroadcast(
  db: DocumentClient,
  tableName: string,
  stage: Stage,
): Promise<"started" | "ended" | "unchanged"> {
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
    } catch (error) {
      if (!isConditionFailure(error)) throw error; // ended meanwhile by another request
    }
    return "ended";
  }
  if (stage.status === "ended" && latest === undefined) {
    await putIfAbsent(db, tableName, stage.id, Date.parse(stage.createdAt), atMs);
    return "ended";
  }
  return "unchanged";
}

function dueValues(keys: { gsi1pk: string; gsi1sk: string }) {
  return { ":gpk": keys.gsi1pk, ":gsk": keys.gsi1sk };
}

async function putIfAbsent(
  db: DocumentClient,
  tableName: string,
  stageId: string,
  startMs: number,
  endMs: number | null,
): Promise<void> {
  const item: BroadcastItem = {
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
  } catch (error) {
    if (!isConditionFailure(error)) throw error; // a concurrent request wrote the same one
  }
}
