import type { DynamoPrices } from "./catalogue-types.js";
import { type Workload } from "./workload.js";
declare const SECONDS_PER_DAY = 86400;
export interface MonthlyUsage {
    secondsPerMonth: number;
    /** Share of the day the audience watches (`hoursLivePerDay` / 24). */
    liveShare: number;
    /** Seconds of the month the audience watches: rates while live are per these seconds. */
    liveSecondsPerMonth: number;
    liveHoursPerMonth: number;
    /** Heartbeats sent: every tab's, at the rate its jitter gives. */
    heartbeats: number;
    /** Heartbeats one viewer would send with one tab and no jitter (the nominal count). */
    nominalHeartbeats: number;
    /** Heartbeats per second while live (the average; the peak is `peakToAverage` times it). */
    heartbeatsPerSec: number;
    /** Sync runs: the cron fires every run all month, live or not. */
    syncRuns: number;
    /** Sync runs with an audience to sync (the others find nothing and write nothing). */
    liveSyncRuns: number;
    /** Viewing sessions started (and ended by a leave) in the month. */
    sessions: number;
    /** Leave requests: one a tab a session (sendBeacon on pagehide, or stop()). */
    leaves: number;
    /** Token requests of anonymous viewers (startAnonymousSession and its renewals). */
    tokenRequests: number;
    /** Watch slots per viewer per window (one bitmap each, shared by the stage). */
    watchSlotsPerWindow: number;
    /** Viewing-record items written per sync run (packed, per stage, rounded up). */
    viewingItemsPerRun: number;
    /** Snapshot items written per sync run (one per stage). */
    snapshotItemsPerRun: number;
    /** Redis data held at the peak, bytes. */
    redisDataBytes: number;
    /** Upstash commands and bytes of the heartbeats alone. */
    heartbeatCommands: number;
    heartbeatBandwidthBytes: number;
    /** Upstash commands and bytes of the leaves. */
    leaveCommands: number;
    leaveBandwidthBytes: number;
    /** Upstash commands and bytes of the sync job. */
    syncCommands: number;
    syncBandwidthBytes: number;
}
/** Monthly quantities of a (validated) workload. */
export declare function monthlyUsage(w: Workload): MonthlyUsage;
/** Write units for one item of `bytes` (rounded up per started KB, at least one). */
export declare function writeUnitsPerItem(bytes: number, dynamo: DynamoPrices): number;
/** Read units for one GetItem of `bytes` at the workload's consistency. */
export declare function readUnitsPerRead(bytes: number, w: Workload, dynamo: DynamoPrices): number;
/** Snapshot and viewing-record writes of the sync job in a month. */
export interface SnapshotWrites {
    snapshotItems: number;
    viewingItems: number;
    /** Hour and day rollups written (each hour: its item, and its day's again). */
    rollupItems: number;
    /**
     * Viewers' day totals written (one per viewer per day; sync/history/viewer-days.ts), plus the day
     * rollup's index entry that lists the day as due (once a stage an hour) and a broadcast a
     * stage a day (start, end with its index entry, summary): the analytics writes.
     */
    analyticsWriteUnits: number;
    writeUnits: number;
    batchRequests: number;
    /**
     * Bytes held at the priced month, as DynamoDB bills them (each item's attributes plus its
     * 100 B of overhead): snapshots within their TTL, records ever written.
     */
    storedBytes: number;
}
export declare function snapshotWrites(w: Workload, u: MonthlyUsage, dynamo: DynamoPrices): SnapshotWrites;
/** Days of a workload's months (`historyMonths` of `hoursPerMonth`). */
export declare function elapsedDays(w: Pick<Workload, "historyMonths" | "hoursPerMonth">): number;
/**
 * Bytes of heartbeat events held at month `historyMonths` when every heartbeat is kept: the
 * retention's days of them, or every day so far when it is 0 (kept for good) or not yet reached.
 */
export declare function auditStoredBytes(w: Workload, u: MonthlyUsage, dynamo: DynamoPrices): number;
/** What the consoles' polling of the history routes reads from DynamoDB in a month. */
export interface DashboardLoad {
    /** Polls: each a Workers request and a DynamoDB read. */
    polls: number;
    readUnits: number;
    /** Bytes DynamoDB sends back (items plus response overhead): AWS data transfer out. */
    outBytes: number;
}
export declare function dashboardLoad(w: Workload, u: MonthlyUsage, dynamo: DynamoPrices): DashboardLoad;
export { SECONDS_PER_DAY };
