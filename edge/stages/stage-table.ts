import type { DocumentClient } from "@viewer-presence/shared/clients";
import {
  getItem,
  isConditionFailure,
  putItem,
  setFields,
  updateItem,
} from "@viewer-presence/shared/dynamo-items";
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
import { dynamoCall as send } from "../dynamo-call";
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
          putItem(
            db,
            tableName,
            {
              ...stageKeys(stage.id),
              ...stageIndexKeys(stage.id),
              type: STAGE_ITEM_TYPE,
              ...stage,
              revision: stored.revision,
            },
            { ifAbsent: true },
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
      const set = setFields({ ...changes, updatedAt });
      try {
        const updated = await send(() =>
          updateItem(db, tableName, stageKeys(stageId), {
            expression: `${set.clause} ADD #revision :one`,
            names: { ...set.names, "#revision": "revision" },
            values: { ...set.values, ":one": 1 },
            condition: "attribute_exists(pk)",
            returnItem: true,
          }),
        );
        return toStoredStage(updated ?? {});
      } catch (error) {
        if (isConditionFailure(error)) throw problems.stageNotFound(stageId);
        throw error;
      }
    },

    async get(stageId: string): Promise<StoredStage | undefined> {
      const item = await send(() => getItem(db, tableName, stageKeys(stageId)));
      return item ? toStoredStage(item) : undefined;
    },

    /** One page of stages in id order; `after` is the last id of the previous page. */
    list(limit: number, after?: string): Promise<{ stages: StoredStage[]; lastId?: string }> {
      return send(() => listStagePage(db, tableName, limit, after));
    },
  };
}

export type StageTable = ReturnType<typeof stageTable>;
