/**
 * What a workload does in a month, before any price is applied: heartbeats, sync runs, items,
 * bytes. Every architecture is priced from these quantities, so they agree with each other.
 */
import { WINDOW_MS } from "../windows.js";
import { ANONYMOUS_TOKEN_RENEW_SEC, packedItemBytes } from "./workload.js";
const SECONDS_PER_DAY = 86_400;
/** Length of the watch-time window the sync job closes, s. */
const WATCH_WINDOW_SEC = WINDOW_MS / 1000;
/** Monthly quantities of a (validated) workload. */
export function monthlyUsage(w) {
    const secondsPerMonth = w.hoursPerMonth * 3600;
    const liveShare = w.hoursLivePerDay / 24;
    const liveSecondsPerMonth = secondsPerMonth * liveShare;
    const nominalHeartbeats = (w.viewers * liveSecondsPerMonth) / w.heartbeatIntervalSec;
    const heartbeats = nominalHeartbeats * w.tabsPerViewer * w.heartbeatsPerTabInterval;
    const syncRuns = secondsPerMonth / w.snapshotIntervalSec;
    const liveSyncRuns = syncRuns * liveShare;
    const sessionSec = w.sessionMinutes * 60;
    const sessions = (w.viewers * liveSecondsPerMonth) / sessionSec;
    const tokensPerSession = Math.max(1, Math.ceil(sessionSec / ANONYMOUS_TOKEN_RENEW_SEC));
    const watchSlotsPerWindow = Math.ceil(WATCH_WINDOW_SEC / w.heartbeatIntervalSec);
    const viewersPerStage = w.viewers / w.stages;
    const viewingItemsPerRun = w.stages * Math.ceil(viewersPerStage / w.viewingRecordPackingFactor);
    // A viewer's tabs share one index entry and one bit pair per slot; memory is sized for the peak.
    const redisDataBytes = w.viewers * w.peakToAverage * w.redisBytesPerViewer;
    const heartbeatBytes = w.redisBytesPerHeartbeat + w.redisBandwidthCountsHeaders * w.redisHeaderBytesPerHeartbeat;
    return {
        secondsPerMonth,
        liveShare,
        liveSecondsPerMonth,
        liveHoursPerMonth: w.hoursPerMonth * liveShare,
        heartbeats,
        nominalHeartbeats,
        heartbeatsPerSec: heartbeats / liveSecondsPerMonth,
        syncRuns,
        liveSyncRuns,
        sessions,
        // Every tab runs its own loop: its own leave, and (anonymous) its own session's tokens.
        leaves: sessions * w.tabsPerViewer,
        tokenRequests: sessions * w.tabsPerViewer * w.anonymousViewerShare * tokensPerSession,
        watchSlotsPerWindow,
        viewingItemsPerRun,
        snapshotItemsPerRun: w.stages,
        redisDataBytes,
        heartbeatCommands: heartbeats * w.redisCommandsPerHeartbeat,
        heartbeatBandwidthBytes: heartbeats * heartbeatBytes,
        leaveCommands: sessions * w.tabsPerViewer * w.redisCommandsPerLeave,
        // A leave is a request of a heartbeat's size (a token and ids in, one number out).
        leaveBandwidthBytes: sessions * w.tabsPerViewer * heartbeatBytes,
        // The lock and registry commands run every run; a stage's only when there is an audience.
        syncCommands: syncRuns * w.syncCommandsPerRun + liveSyncRuns * w.stages * w.syncCommandsPerStagePerRun,
        syncBandwidthBytes: liveSyncRuns * w.viewers * w.syncBytesPerViewerPerRun,
    };
}
/** Write units for one item of `bytes` (rounded up per started KB, at least one). */
export function writeUnitsPerItem(bytes, dynamo) {
    return Math.max(1, Math.ceil(bytes / dynamo.units.writeUnitBytes.value));
}
/** Read units for one GetItem of `bytes` at the workload's consistency. */
export function readUnitsPerRead(bytes, w, dynamo) {
    const strong = Math.max(1, Math.ceil(bytes / dynamo.units.readUnitBytes.value));
    return w.consistency === "strong" ? strong : strong / 2;
}
/** Write units of one broadcast: its start, its end (and index entry), its summary (and the entry's removal). */
const BROADCAST_WRITE_UNITS = 5;
export function snapshotWrites(w, u, dynamo) {
    const snapshotItems = u.liveSyncRuns * u.snapshotItemsPerRun;
    const viewingItems = u.liveSyncRuns * u.viewingItemsPerRun;
    // Hours with an audience get a rollup (and their day again); the others have nothing to roll.
    const rollupItems = 2 * w.stages * u.liveHoursPerMonth;
    const daysPerMonth = w.hoursPerMonth / 24;
    const viewerDayItems = w.viewers * daysPerMonth;
    const analyticsWriteUnits = viewerDayItems * writeUnitsPerItem(w.viewerDayItemSizeBytes, dynamo) +
        w.stages * u.liveHoursPerMonth +
        BROADCAST_WRITE_UNITS * w.stages * daysPerMonth;
    const writeUnits = analyticsWriteUnits +
        snapshotItems * writeUnitsPerItem(w.snapshotItemSizeBytes, dynamo) +
        viewingItems * writeUnitsPerItem(packedItemBytes(w), dynamo) +
        rollupItems * writeUnitsPerItem(w.rollupItemSizeBytes, dynamo);
    const perCall = dynamo.units.batchWriteMaxItems.value;
    const batchRequests = u.liveSyncRuns * Math.ceil((u.snapshotItemsPerRun + u.viewingItemsPerRun) / perCall);
    // Snapshots expire after their retention (SNAPSHOT_RETENTION_DAYS), or are all still held.
    const snapshotDays = Math.min(w.snapshotRetentionDays, elapsedDays(w));
    const runsRetained = ((snapshotDays * SECONDS_PER_DAY) / w.snapshotIntervalSec) * u.liveShare;
    // Rollups are kept forever: an item a stage a live hour, and one a day.
    const rollupsKept = w.stages * (u.liveHoursPerMonth + w.hoursPerMonth / 24) * w.historyMonths;
    const overhead = dynamo.storageOverheadBytesPerItem.value;
    const storedBytes = runsRetained * u.snapshotItemsPerRun * (w.snapshotItemSizeBytes + overhead) +
        viewingItems * w.historyMonths * (packedItemBytes(w) + overhead) +
        rollupsKept * (w.rollupItemSizeBytes + overhead) +
        viewerDayItems * w.historyMonths * (w.viewerDayItemSizeBytes + overhead);
    return {
        snapshotItems,
        viewingItems,
        rollupItems,
        analyticsWriteUnits,
        writeUnits,
        batchRequests,
        storedBytes,
    };
}
/** Days of a workload's months (`historyMonths` of `hoursPerMonth`). */
export function elapsedDays(w) {
    return (w.historyMonths * w.hoursPerMonth) / 24;
}
/**
 * Bytes of heartbeat events held at month `historyMonths` when every heartbeat is kept: the
 * retention's days of them, or every day so far when it is 0 (kept for good) or not yet reached.
 */
export function auditStoredBytes(w, u, dynamo) {
    const days = elapsedDays(w);
    const heldDays = w.auditRetentionDays === 0 ? days : Math.min(w.auditRetentionDays, days);
    const heartbeatsPerDay = (u.heartbeats / u.secondsPerMonth) * SECONDS_PER_DAY;
    const itemBytes = w.heartbeatItemSizeBytes + dynamo.storageOverheadBytesPerItem.value;
    return heldDays * heartbeatsPerDay * itemBytes;
}
export function dashboardLoad(w, u, dynamo) {
    const polls = (w.dashboards * u.secondsPerMonth) / w.dashboardPollSec;
    const strongUnits = Math.ceil(w.dashboardReadBytesPerPoll / dynamo.units.readUnitBytes.value);
    const unitsPerPoll = w.consistency === "strong" ? strongUnits : strongUnits / 2;
    return {
        polls,
        readUnits: w.dashboardReadBytesPerPoll > 0 ? polls * unitsPerPoll : 0,
        outBytes: polls * (w.dashboardReadBytesPerPoll + w.dynamoResponseOverheadBytes),
    };
}
export { SECONDS_PER_DAY };
