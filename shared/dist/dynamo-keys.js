/**
 * Every DynamoDB key, built in one place (single-table design, generic `pk`/`sk` and one
 * index `gsi1` for listings across partitions). Every item also carries `type`.
 *
 * | item            | pk                       | sk                              | gsi1pk   | gsi1sk |
 * |-----------------|--------------------------|---------------------------------|----------|--------|
 * | stage config    | `STAGE#<id>`             | `CONFIG`                        | `STAGES` | `<id>` |
 * | snapshot        | `STAGE#<id>`             | `SNAPSHOT#<window start ISO>`   |          |        |
 * | hour rollup     | `STAGE#<id>`             | `HOUR#<hour start ISO>`         |          |        |
 * | day rollup      | `STAGE#<id>`             | `DAY#<yyyy-mm-dd>`              | (1)      | (1)    |
 * | broadcast       | `STAGE#<id>`             | `BROADCAST#<start ISO>`         | (2)      | (2)    |
 * | unsettled mark  | `UNSETTLED#<key prefix>` | `<stage id>#<mark id>`          |          |        |
 * | viewer's day    | `VIEWER#<viewer id>`     | `DAY#<yyyy-mm-dd>#<stage id>`   |          |        |
 * | viewing records | `VIEWS#<id>`             | `<window start ISO>#<part 000>` |          |        |
 * | audit events    | `AUDIT#<id>#<yyyy-mm-dd>`| `<stream entry id>`             |          |        |
 * | window progress | `STAGE#<id>`             | `PROGRESS#<window start ISO>`   |          |        |
 * | sync watermark  | `SYNC#<prefix>@<Redis URL>` | `WATERMARK`                  |          |        |
 *
 * (1) `VIEWER_DAYS_DUE` / `<due ISO>#<stage id>#<day>` until the sync job has written the day's
 *     per-viewer totals (a sparse index entry: one Query finds the days due, never a Scan).
 * (2) `BROADCASTS_DUE` / `<end ISO>#<stage id>#<broadcast id>` from the broadcast's end until the
 *     sync job has written its summary (sparse as well).
 *
 * Snapshot and viewing-record keys derive from the window, not from when the job ran, so a
 * retried run overwrites what an interrupted one wrote instead of adding duplicates. A stage's
 * latest snapshot is one Query (`begins_with(sk, "SNAPSHOT#")`, newest first, `Limit: 1`).
 * Window progress and the sync watermark are the sync job's ledger (sync/windows/window-ledger.ts):
 * what it wrote, kept where a Redis data loss cannot take it.
 */
const iso = (ms) => new Date(ms).toISOString();
/** An ISO time as `iso` writes it, in a RegExp. */
const ISO_PATTERN = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";
/** The partition of a stage's own items: its config, snapshots, rollups, broadcasts, progress. */
export const stagePartition = (stageId) => `STAGE#${stageId}`;
export const stageKeys = (stageId) => ({
    pk: stagePartition(stageId),
    sk: "CONFIG",
});
/** The `gsi1` partition holding one entry per stage. */
export const STAGE_INDEX_PARTITION = "STAGES";
/** The index entry that lets `listStages` and restore find every stage with one Query. */
export const stageIndexKeys = (stageId) => ({
    gsi1pk: STAGE_INDEX_PARTITION,
    gsi1sk: stageId,
});
export const STAGE_ITEM_TYPE = "Stage";
export const UNSETTLED_STAGE_ITEM_TYPE = "UnsettledStage";
/** The partition holding a deployment's unsettled marks. */
export const unsettledMarksPartition = (keyPrefix) => `UNSETTLED#${keyPrefix}`;
/**
 * One unsettled mark of a stage, for the Redis registry of the deployment whose keys start with
 * `keyPrefix` (REDIS_KEY_PREFIX): the edge writes one before each write of the stage (`markId`
 * names it), so whatever part of that write then fails or lands late, that deployment's sync job
 * finds the stage (one Query of the partition, strongly consistent) and puts DynamoDB's version
 * in force in its Redis (shared/unsettled-stages.ts).
 */
export const unsettledMarkKeys = (keyPrefix, stageId, markId) => ({
    pk: unsettledMarksPartition(keyPrefix),
    sk: `${stageId}#${markId}`,
});
export const SNAPSHOT_PREFIX = "SNAPSHOT#";
export const SNAPSHOT_ITEM_TYPE = "Snapshot";
/** A stage's snapshot of one closed window (`windowStartMs` is the window's first ms). */
export const snapshotKeys = (stageId, windowStartMs) => ({
    pk: stagePartition(stageId),
    sk: `${SNAPSHOT_PREFIX}${iso(windowStartMs)}`,
});
/** The snapshots of the windows starting in [fromMs, toMs). */
export const snapshotRange = (fromMs, toMs) => [
    snapshotKeys("", fromMs).sk,
    snapshotKeys("", toMs - 1).sk,
];
/** What a snapshot's sort key looks like (a cursor is checked against it). */
export const SNAPSHOT_SORT_KEY = new RegExp(`^${SNAPSHOT_PREFIX}${ISO_PATTERN}$`);
export const HOUR_PREFIX = "HOUR#";
export const DAY_PREFIX = "DAY#";
export const HOUR_ROLLUP_ITEM_TYPE = "HourRollup";
export const DAY_ROLLUP_ITEM_TYPE = "DayRollup";
/** A stage's figures for one hour (UTC), kept permanently. */
export const hourRollupKeys = (stageId, hourStartMs) => ({
    pk: stagePartition(stageId),
    sk: `${HOUR_PREFIX}${iso(hourStartMs)}`,
});
/** A stage's figures for one UTC day, kept permanently (`dayStartMs`: any ms of the day). */
export const dayRollupKeys = (stageId, dayStartMs) => ({
    pk: stagePartition(stageId),
    sk: `${DAY_PREFIX}${iso(dayStartMs).slice(0, 10)}`,
});
/** The hour rollups of the hours starting in [fromMs, toMs). */
export const hourRollupRange = (fromMs, toMs) => [
    hourRollupKeys("", fromMs).sk,
    hourRollupKeys("", toMs - 1).sk,
];
/** The day rollups of the days starting in [fromMs, toMs): keyed by date, those whose date is. */
export const dayRollupRange = (fromMs, toMs) => [
    dayRollupKeys("", fromMs).sk,
    dayRollupKeys("", toMs - 1).sk,
];
/** What an hour or day rollup's sort key looks like (a cursor is checked against it). */
export const ROLLUP_SORT_KEY = new RegExp(`^(${HOUR_PREFIX}${ISO_PATTERN}|${DAY_PREFIX}\\d{4}-\\d{2}-\\d{2})$`);
export const VIEWING_RECORDS_ITEM_TYPE = "ViewingRecords";
/** The partition holding a stage's packed viewing records, every window, kept permanently. */
export const viewingRecordsPartition = (stageId) => `VIEWS#${stageId}`;
/** What the sort keys of one window's viewing-records items begin with. */
export const viewingRecordsWindowPrefix = (windowStartMs) => `${iso(windowStartMs)}#`;
/** One packed item of viewing records: `part` numbers the items of a window from 0. */
export const viewingRecordsKeys = (stageId, windowStartMs, part) => ({
    pk: viewingRecordsPartition(stageId),
    sk: `${viewingRecordsWindowPrefix(windowStartMs)}${String(part).padStart(3, "0")}`,
});
/** The part number of a viewing-records item's sort key (`...#<part>`). */
export const viewingRecordsPart = (sk) => Number(sk.slice(sk.lastIndexOf("#") + 1));
/** Every part of the windows starting in [fromMs, toMs) (`~` sorts after every part number). */
export const viewingRecordsRange = (fromMs, toMs) => [
    iso(fromMs),
    `${viewingRecordsWindowPrefix(toMs - 1)}~`,
];
/** What a viewing-records item's sort key looks like (a cursor is checked against it). */
export const VIEWING_RECORDS_SORT_KEY = new RegExp(`^${ISO_PATTERN}#\\d{3,}$`);
export const WINDOW_PROGRESS_ITEM_TYPE = "WindowProgress";
/** How far the sync job got writing one window of a stage (`windowStartMs`: its first ms). */
export const windowProgressKeys = (stageId, windowStartMs) => ({
    pk: stagePartition(stageId),
    sk: `PROGRESS#${iso(windowStartMs)}`,
});
export const SYNC_WATERMARK_ITEM_TYPE = "SyncWatermark";
/**
 * The highest window the sync runs of one Redis database (its REST URL, and the deployment's
 * key prefix in it) have started writing.
 */
export const syncWatermarkKeys = (redisUrl, keyPrefix) => ({
    pk: `SYNC#${keyPrefix}@${redisUrl}`,
    sk: "WATERMARK",
});
export const AUDIT_ITEM_TYPE = "AuditEvent";
/** A heartbeat from the audit stream; partitioned per stage per UTC day to spread writes. */
export const auditEventKeys = (stageId, streamEntryId) => {
    const ms = Number(streamEntryId.split("-")[0]);
    return {
        pk: `AUDIT#${stageId}#${iso(ms).slice(0, 10)}`,
        sk: streamEntryId,
    };
};
export const BROADCAST_PREFIX = "BROADCAST#";
export const BROADCAST_ITEM_TYPE = "Broadcast";
/** The `gsi1` partition listing ended broadcasts whose summary the sync job has not written. */
export const BROADCASTS_DUE_PARTITION = "BROADCASTS_DUE";
/** A broadcast's id: its start in epoch ms, as a decimal string (sorts like its start). */
export const broadcastIdOf = (startedAtMs) => String(startedAtMs);
/** One broadcast of a stage (live to ended), kept permanently; `startedAtMs` names it. */
export const broadcastKeys = (stageId, startedAtMs) => ({
    pk: stagePartition(stageId),
    sk: `${BROADCAST_PREFIX}${iso(startedAtMs)}`,
});
/** A stage's broadcasts, or those that started before `beforeMs` (`~` sorts after every ISO time). */
export const broadcastRange = (beforeMs) => [
    BROADCAST_PREFIX,
    beforeMs === undefined ? `${BROADCAST_PREFIX}~` : broadcastKeys("", beforeMs - 1).sk,
];
/** The sparse index entry of a broadcast whose summary is due once its last window is synced. */
export const broadcastDueKeys = (stageId, startedAtMs, endedAtMs) => ({
    gsi1pk: BROADCASTS_DUE_PARTITION,
    gsi1sk: `${iso(endedAtMs)}#${stageId}#${broadcastIdOf(startedAtMs)}`,
});
export const VIEWER_DAY_ITEM_TYPE = "ViewerDay";
/** The `gsi1` partition listing stage-days whose per-viewer totals are due (on DAY# rollups). */
export const VIEWER_DAYS_DUE_PARTITION = "VIEWER_DAYS_DUE";
/** The partition of one viewer's watch time, one item per UTC day and stage, kept permanently. */
export const viewerPartition = (viewerId) => `VIEWER#${viewerId}`;
/** A viewer's seconds on one stage in one UTC day (`day`: yyyy-mm-dd). */
export const viewerDayKeys = (viewerId, day, stageId) => ({
    pk: viewerPartition(viewerId),
    sk: `${DAY_PREFIX}${day}#${stageId}`,
});
/**
 * A viewer's days from `firstDay` to `lastDay` (yyyy-mm-dd, both included), every stage: stage
 * ids never contain `~`, which sorts after every character they may hold.
 */
export const viewerDaysRange = (firstDay, lastDay) => [
    `${DAY_PREFIX}${firstDay}#`,
    `${DAY_PREFIX}${lastDay}#~`,
];
/** The sparse index entry of a stage-day whose per-viewer totals are due at `dueMs`. */
export const viewerDaysDueKeys = (stageId, day, dueMs) => ({
    gsi1pk: VIEWER_DAYS_DUE_PARTITION,
    gsi1sk: `${iso(dueMs)}#${stageId}#${day}`,
});
