import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { DocumentClient } from "@viewer-presence/shared/clients";
import { STAGE_ITEM_TYPE, stageIndexKeys, stageKeys } from "@viewer-presence/shared/dynamo-keys";
import {
  type Stage,
  type StageChanges,
  type StoredStage,
  toStoredStage,
} from "@viewer-presence/shared/stage";
import { listStagePage } from "@viewer-presence/shared/stage-listing";
import {
  dropUnsettledMark,
  markStageUnsettled,
  type UnsettledMark,
} from "@viewer-presence/shared/unsettled-stages";
import { isConditionFailure, dynamoCall as send } from "../dynamo-call";
import { problems } from "../problems";

/**
 * Stage configuration in DynamoDB: the durable source of truth. `keyPrefix` (REDIS_KEY_PREFIX)
 * names the deployment whose Redis copies the unsettled marks are about.
 */
export function stageTable(db: DocumentClient, tableName: string, keyPrefix: string) {
  return {
    /**
     * Marks a stage unsettled (shared/unsettled-stages.ts) before a write of it, so the sync job
     * puts DynamoDB's version in force in Redis whatever becomes of that write and of its Redis
     * copies. `atMs` (epoch ms) tells the job how recent the write may be.
     */
    async markUnsettled(stageId: string, atMs: number): Promise<UnsettledMark> {
      const mark = { stageId, markedAtMs: atMs, markId: crypto.randomUUID() };
      await send(() => markStageUnsettled(db, tableName, keyPrefix, mark));
      return mark;
    },

    /** Drops the mark of a write DynamoDB refused: there is nothing to settle. */
    async unmark(mark: UnsettledMark): Promise<void> {
      await send(() => dropUnsettledMark(db, tableName, keyPrefix, mark));
    },

    /** Writes a new stage (revision 1); 409 when the id is taken. */
    async create(stage: Stage): Promise<StoredStage> {
      const stored = { stage, revision: 1 };
      try {
        await send(() =>
          db.send(
            new PutCommand({
              TableName: tableName,
              Item: {
                ...stageKeys(stage.id),
                ...stageIndexKeys(stage.id),
                type: STAGE_ITEM_TYPE,
                ...stage,
                revision: stored.revision,
              },
              ConditionExpression: "attribute_not_exists(pk)",
            }),
          ),
        );
      } catch (error) {
        if (isConditionFailure(error))
          throw problems.conflict(`Stage "${stage.id}" exists already.`);
        throw error;
      }
      return stored;
    },

    /** Applies changes and raises the revision; returns the stage as stored. 404 when none. */
    async update(stageId: string, changes: StageChanges, updatedAt: string): Promise<StoredStage> {
      const fields = { ...changes, updatedAt };
      const names = Object.keys(fields);
      try {
        const result = await send(() =>
          db.send(
            new UpdateCommand({
              TableName: tableName,
              Key: stageKeys(stageId),
              UpdateExpression: `SET ${names.map((_, i) => `#f${i} = :v${i}`).join(", ")} ADD #revision :one`,
              ExpressionAttributeNames: {
                ...Object.fromEntries(names.map((name, i) => [`#f${i}`, name])),
                "#revision": "revision",
              },
              ExpressionAttributeValues: {
                ...Object.fromEntries(
                  names.map((name, i) => [`:v${i}`, fields[name as keyof typeof fields]]),
                ),
                ":one": 1,
              },
              ConditionExpression: "attribute_exists(pk)",
              ReturnValues: "ALL_NEW",
            }),
          ),
        );
        return toStoredStage(result.Attributes ?? {});
      } catch (error) {
        if (isConditionFailure(error)) throw problems.stageNotFound(stageId);
        throw error;
      }
    },

    async get(stageId: string): Promise<StoredStage | undefined> {
      const result = await send(() =>
        db.send(new GetCommand({ TableName: tableName, Key: stageKeys(stageId) })),
      );
      return result.Item ? toStoredStage(result.Item) : undefined;
    },

    /** One page of stages in id order; `after` is the last id of the previous page. */
    list(limit: number, after?: string): Promise<{ stages: StoredStage[]; lastId?: string }> {
      return send(() => listStagePage(db, tableName, limit, after));
    },
  };
}

export type StageTable = ReturnType<typeof stageTable>;
