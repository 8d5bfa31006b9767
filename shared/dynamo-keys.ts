/**
 * Every DynamoDB key, built in one place (single-table design, generic `pk`/`sk` and one
 * index `gsi1` for listings across partitions). Every item also carries `type`.
 *
 * | item            | pk                       | sk                              | gsi1pk   | gsi1sk |
 * |-----------------|--------------------------|---------------------------------|----------|--------|
 * | stage config    | `STAGE#<id>`             | `CONFIG`                        | `STAGES` | `<id>` |
 * | snapshot        | `STAGE#<id>`             | `SNAPSHOT#<window start ISO>`   |          |        |
 * | hour rollup     | `STAGE#<id>`             | `HOUR#<hour start ISO>`         |          |        |
 * | day rollup      | `STAGE#<id>`             | `DAY#<yyyy-mm-dd>`              |          |        |
 * | viewing records | `VIEWS#<id>`             | `<window start ISO>#<part 000>` |          |        |
 * | audit events    | `AUDIT#<id>#<yyyy-mm-dd>`| `<stream entry id>`             |          |        |
 *
 * Snapshot and viewing-record keys derive from the window, not from when the job ran, so a
 * retried run overwrites what an interrupted one wrote instead of adding duplicates. A stage's
 * latest snapshot is one Query (`begins_with(sk, "SNAPSHOT#")`, newest first, `Limit: 1`).
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

export const SNAPSHOT_PREFIX = "SNAPSHOT#";
export const SNAPSHOT_ITEM_TYPE = "Snapshot";

/** A stage's snapshot of one closed window (`windowStartMs` is the window's first ms). */
export const snapshotKeys = (stageId: string, windowStartMs: number) => ({
  pk: `STAGE#${stageId}`,
  sk: `${SNAPSHOT_PREFIX}${new Date(windowStartMs).toISOString()}`,
});

export const HOUR_PREFIX = "HOUR#";
export const DAY_PREFIX = "DAY#";
export const HOUR_ROLLUP_ITEM_TYPE = "HourRollup";
export const DAY_ROLLUP_ITEM_TYPE = "DayRollup";

/** A stage's figures for one hour (UTC), kept permanently. */
export const hourRollupKeys = (stageId: string, hourStartMs: number) => ({
  pk: `STAGE#${stageId}`,
  sk: `${HOUR_PREFIX}${new Date(hourStartMs).toISOString()}`,
});

/** A stage's figures for one UTC day, kept permanently. */
export const dayRollupKeys = (stageId: string, dayStartMs: number) => ({
  pk: `STAGE#${stageId}`,
  sk: `${DAY_PREFIX}${new Date(dayStartMs).toISOString().slice(0, 10)}`,
});

export const VIEWING_RECORDS_ITEM_TYPE = "ViewingRecords";

/** The partition holding a stage's packed viewing records, every window, kept permanently. */
export const viewingRecordsPartition = (stageId: string) => `VIEWS#${stageId}`;

/** One packed item of viewing records: `part` numbers the items of a window from 0. */
export const viewingRecordsKeys = (stageId: string, windowStartMs: number, part: number) => ({
  pk: viewingRecordsPartition(stageId),
  sk: `${new Date(windowStartMs).toISOString()}#${String(part).padStart(3, "0")}`,
});

export const AUDIT_ITEM_TYPE = "AuditEvent";

/** A heartbeat from the audit stream; partitioned per stage per UTC day to spread writes. */
export const auditEventKeys = (stageId: string, streamEntryId: string) => {
  const ms = Number(streamEntryId.split("-")[0]);
  return {
    pk: `AUDIT#${stageId}#${new Date(ms).toISOString().slice(0, 10)}`,
    sk: streamEntryId,
  };
};
