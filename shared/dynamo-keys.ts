/**
 * Every DynamoDB key, built in one place (single-table design, generic `pk`/`sk` and one
 * index `gsi1` for listings across partitions). Every item also carries `type`.
 *
 * | item          | pk            | sk                  | gsi1pk   | gsi1sk     |
 * |---------------|---------------|---------------------|----------|------------|
 * | stage config  | `STAGE#<id>`  | `CONFIG`            | `STAGES` | `<id>`     |
 * | snapshot      | `STAGE#<id>`  | `SNAPSHOT#<iso>`    |          |            |
 */
export const stageKeys = (stageId: string) => ({
  pk: `STAGE#${stageId}`,
  sk: "CONFIG",
});

/** The `gsi1` partition holding one entry per stage. */
export const STAGE_INDEX_PARTITION = "STAGES";

/** The index entry that lets `listStages` and restore find every stage with one Query. */
export const stageIndexKeys = (stageId: string) => ({
  gsi1pk: STAGE_INDEX_PARTITION,
  gsi1sk: stageId,
});

export const STAGE_ITEM_TYPE = "Stage";
