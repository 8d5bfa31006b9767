import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { DocumentClient } from "@viewer-presence/shared/clients";
import { STAGE_ITEM_TYPE, stageIndexKeys, stageKeys } from "@viewer-presence/shared/dynamo-keys";
import { type Stage, type StageChanges, toStage } from "@viewer-presence/shared/stage";
import { listStagePage } from "@viewer-presence/shared/stage-listing";
import { isConditionFailure, dynamoCall as send } from "../dynamo-call";
import { problems } from "../problems";

/** Stage configuration in DynamoDB: the durable source of truth. */
export function stageTable(db: DocumentClient, tableName: string) {
  return {
    /** Writes a new stage; 409 when the id is taken. */
    async create(stage: Stage): Promise<void> {
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
    },

    /**
     * Applies changes; returns the stage as stored and as it was before (for an undo). 404 when
     * there is no such stage.
     */
    async update(
      stageId: string,
      changes: StageChanges,
      updatedAt: string,
    ): Promise<{ stage: Stage; previous: Stage }> {
      const fields = { ...changes, updatedAt };
      const names = Object.keys(fields);
      try {
        const result = await send(() =>
          db.send(
            new UpdateCommand({
              TableName: tableName,
              Key: stageKeys(stageId),
              UpdateExpression: `SET ${names.map((_, i) => `#f${i} = :v${i}`).join(", ")}`,
              ExpressionAttributeNames: Object.fromEntries(
                names.map((name, i) => [`#f${i}`, name]),
              ),
              ExpressionAttributeValues: Object.fromEntries(
                names.map((name, i) => [`:v${i}`, fields[name as keyof typeof fields]]),
              ),
              ConditionExpression: "attribute_exists(pk)",
              ReturnValues: "ALL_OLD",
            }),
          ),
        );
        const previous = toStage(result.Attributes ?? {});
        return { stage: toStage({ ...previous, ...fields }), previous };
      } catch (error) {
        if (isConditionFailure(error)) throw problems.stageNotFound(stageId);
        throw error;
      }
    },

    /**
     * Puts back a stage as it was before an update (used only to undo an update that could not
     * be cached), unless it changed again since (`updatedAt` no longer `expectUpdatedAt`).
     */
    async revert(previous: Stage, expectUpdatedAt: string): Promise<void> {
      await send(() =>
        db.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...stageKeys(previous.id),
              ...stageIndexKeys(previous.id),
              type: STAGE_ITEM_TYPE,
              ...previous,
            },
            ConditionExpression: "updatedAt = :expected",
            ExpressionAttributeValues: { ":expected": expectUpdatedAt },
          }),
        ),
      );
    },

    /** Deletes a stage's configuration (used only to undo a create that could not be cached). */
    async remove(stageId: string): Promise<void> {
      await send(() =>
        db.send(new DeleteCommand({ TableName: tableName, Key: stageKeys(stageId) })),
      );
    },

    async get(stageId: string): Promise<Stage | undefined> {
      const result = await send(() =>
        db.send(new GetCommand({ TableName: tableName, Key: stageKeys(stageId) })),
      );
      return result.Item ? toStage(result.Item) : undefined;
    },

    /** One page of stages in id order; `after` is the last id of the previous page. */
    list(limit: number, after?: string): Promise<{ stages: Stage[]; lastId?: string }> {
      return send(() => listStagePage(db, tableName, limit, after));
    },
  };
}

export type StageTable = ReturnType<typeof stageTable>;
