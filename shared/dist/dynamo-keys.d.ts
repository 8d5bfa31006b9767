/** The first and last sort key of a range, both included (a Query's `BETWEEN`). */
export type SortKeyRange = readonly [from: string, to: string];
/** The partition of a stage's own items: its config, snapshots, rollups, broadcasts, progress. */
export declare const stagePartition: (stageId: string) => string;
export declare const stageKeys: (stageId: string) => {
    pk: string;
    sk: string;
};
/** The `gsi1` partition holding one entry per stage. */
export declare const STAGE_INDEX_PARTITION = "STAGES";
/** The index entry that lets `listStages` and restore find every stage with one Query. */
export declare const stageIndexKeys: (stageId: string) => {
    gsi1pk: string;
    gsi1sk: string;
};
export declare const STAGE_ITEM_TYPE = "Stage";
export declare const UNSETTLED_STAGE_ITEM_TYPE = "UnsettledStage";
/** The partition holding a deployment's unsettled marks. */
export declare const unsettledMarksPartition: (keyPrefix: string) => string;
/**
 * One unsettled mark of a stage, for the Redis registry of the deployment whose keys start with
 * `keyPrefix` (REDIS_KEY_PREFIX): the edge writes one before each write of the stage (`markId`
 * names it), so whatever part of that write then fails or lands late, that deployment's sync job
 * finds the stage (one Query of the partition, strongly consistent) and puts DynamoDB's version
 * in force in its Redis (shared/unsettled-stages.ts).
 */
export declare const unsettledMarkKeys: (keyPrefix: string, stageId: string, markId: string) => {
    pk: string;
    sk: string;
};
export declare const SNAPSHOT_PREFIX = "SNAPSHOT#";
export declare const SNAPSHOT_ITEM_TYPE = "Snapshot";
/** A stage's snapshot of one closed window (`windowStartMs` is the window's first ms). */
export declare const snapshotKeys: (stageId: string, windowStartMs: number) => {
    pk: string;
    sk: string;
};
/** The snapshots of the windows starting in [fromMs, toMs). */
export declare const snapshotRange: (fromMs: number, toMs: number) => SortKeyRange;
/** What a snapshot's sort key looks like (a cursor is checked against it). */
export declare const SNAPSHOT_SORT_KEY: RegExp;
export declare const HOUR_PREFIX = "HOUR#";
export declare const DAY_PREFIX = "DAY#";
export declare const HOUR_ROLLUP_ITEM_TYPE = "HourRollup";
export declare const DAY_ROLLUP_ITEM_TYPE = "DayRollup";
/** A stage's figures for one hour (UTC), kept permanently. */
export declare const hourRollupKeys: (stageId: string, hourStartMs: number) => {
    pk: string;
    sk: string;
};
/** A stage's figures for one UTC day, kept permanently (`dayStartMs`: any ms of the day). */
export declare const dayRollupKeys: (stageId: string, dayStartMs: number) => {
    pk: string;
    sk: string;
};
/** The hour rollups of the hours starting in [fromMs, toMs). */
export declare const hourRollupRange: (fromMs: number, toMs: number) => SortKeyRange;
/** The day rollups of the days starting in [fromMs, toMs): keyed by date, those whose date is. */
export declare const dayRollupRange: (fromMs: number, toMs: number) => SortKeyRange;
/** What an hour or day rollup's sort key looks like (a cursor is checked against it). */
export declare const ROLLUP_SORT_KEY: RegExp;
export declare const VIEWING_RECORDS_ITEM_TYPE = "ViewingRecords";
/** The partition holding a stage's packed viewing records, every window, kept permanently. */
export declare const viewingRecordsPartition: (stageId: string) => string;
/** What the sort keys of one window's viewing-records items begin with. */
export declare const viewingRecordsWindowPrefix: (windowStartMs: number) => string;
/** One packed item of viewing records: `part` numbers the items of a window from 0. */
export declare const viewingRecordsKeys: (stageId: string, windowStartMs: number, part: number) => {
    pk: string;
    sk: string;
};
/** The part number of a viewing-records item's sort key (`...#<part>`). */
export declare const viewingRecordsPart: (sk: string) => number;
/** Every part of the windows starting in [fromMs, toMs) (`~` sorts after every part number). */
export declare const viewingRecordsRange: (fromMs: number, toMs: number) => SortKeyRange;
/** What a viewing-records item's sort key looks like (a cursor is checked against it). */
export declare const VIEWING_RECORDS_SORT_KEY: RegExp;
export declare const WINDOW_PROGRESS_ITEM_TYPE = "WindowProgress";
/** How far the sync job got writing one window of a stage (`windowStartMs`: its first ms). */
export declare const windowProgressKeys: (stageId: string, windowStartMs: number) => {
    pk: string;
    sk: string;
};
export declare const SYNC_WATERMARK_ITEM_TYPE = "SyncWatermark";
/**
 * The highest window the sync runs of one Redis database (its REST URL, and the deployment's
 * key prefix in it) have started writing.
 */
export declare const syncWatermarkKeys: (redisUrl: string, keyPrefix: string) => {
    pk: string;
    sk: string;
};
export declare const AUDIT_ITEM_TYPE = "AuditEvent";
/** A heartbeat from the audit stream; partitioned per stage per UTC day to spread writes. */
export declare const auditEventKeys: (stageId: string, streamEntryId: string) => {
    pk: string;
    sk: string;
};
export declare const BROADCAST_PREFIX = "BROADCAST#";
export declare const BROADCAST_ITEM_TYPE = "Broadcast";
/** The `gsi1` partition listing ended broadcasts whose summary the sync job has not written. */
export declare const BROADCASTS_DUE_PARTITION = "BROADCASTS_DUE";
/** A broadcast's id: its start in epoch ms, as a decimal string (sorts like its start). */
export declare const broadcastIdOf: (startedAtMs: number) => string;
/** One broadcast of a stage (live to ended), kept permanently; `startedAtMs` names it. */
export declare const broadcastKeys: (stageId: string, startedAtMs: number) => {
    pk: string;
    sk: string;
};
/** A stage's broadcasts, or those that started before `beforeMs` (`~` sorts after every ISO time). */
export declare const broadcastRange: (beforeMs?: number) => SortKeyRange;
/** The sparse index entry of a broadcast whose summary is due once its last window is synced. */
export declare const broadcastDueKeys: (stageId: string, startedAtMs: number, endedAtMs: number) => {
    gsi1pk: string;
    gsi1sk: string;
};
export declare const VIEWER_DAY_ITEM_TYPE = "ViewerDay";
/** The `gsi1` partition listing stage-days whose per-viewer totals are due (on DAY# rollups). */
export declare const VIEWER_DAYS_DUE_PARTITION = "VIEWER_DAYS_DUE";
/** The partition of one viewer's watch time, one item per UTC day and stage, kept permanently. */
export declare const viewerPartition: (viewerId: string) => string;
/** A viewer's seconds on one stage in one UTC day (`day`: yyyy-mm-dd). */
export declare const viewerDayKeys: (viewerId: string, day: string, stageId: string) => {
    pk: string;
    sk: string;
};
/**
 * A viewer's days from `firstDay` to `lastDay` (yyyy-mm-dd, both included), every stage: stage
 * ids never contain `~`, which sorts after every character they may hold.
 */
export declare const viewerDaysRange: (firstDay: string, lastDay: string) => SortKeyRange;
/** The sparse index entry of a stage-day whose per-viewer totals are due at `dueMs`. */
export declare const viewerDaysDueKeys: (stageId: string, day: string, dueMs: number) => {
    gsi1pk: string;
    gsi1sk: string;
};
