/**
 * The workload a cost estimate is made for: what viewers do, and the assumptions about what
 * each action costs in commands, bytes, CPU and items. Defaults are documented beside each
 * field; the ones marked "assumption" should be replaced by measurements from the local stack.
 */
import { DEFAULT_HEARTBEAT_INTERVAL_SEC } from "../config.js";
import { WINDOW_MS } from "../windows.js";
const DEFAULTS = {
    viewers: 10_000,
    hoursLivePerDay: 24,
    stages: 10,
    heartbeatIntervalSec: DEFAULT_HEARTBEAT_INTERVAL_SEC,
    tabsPerViewer: 1,
    heartbeatsPerTabInterval: 1,
    // The sync job's period: one watch-time window.
    snapshotIntervalSec: WINDOW_MS / 1000,
    countReadsPerHeartbeat: 1,
    redisCommandsPerHeartbeat: 2,
    redisBytesPerHeartbeat: 300,
    redisHeaderBytesPerHeartbeat: 0,
    redisBandwidthCountsHeaders: 0,
    workerCpuMsPerHeartbeat: 1,
    workerCpuMsPerSyncedViewer: 0.05,
    heartbeatItemSizeBytes: 200,
    snapshotItemSizeBytes: 300,
    rollupItemSizeBytes: 600,
    viewerDayItemSizeBytes: 150,
    viewingRecordPackingFactor: 20,
    viewingRecordBytes: 40,
    consistency: "eventual",
    hoursPerMonth: 730,
    redisBytesPerViewer: 186,
    syncBytesPerViewerPerRun: 50,
    syncCommandsPerRun: 4,
    syncCommandsPerStagePerRun: 4,
    provisionedUtilisation: 0.7,
    peakToAverage: 1.5,
    sessionMinutes: 60,
    anonymousViewerShare: 0,
    redisCommandsPerLeave: 7,
    invocationLogSampling: 0,
    dynamoResponseOverheadBytes: 300,
    auditRetentionDays: 30,
    snapshotRetentionDays: 30,
    historyMonths: 12,
    dashboards: 1,
    dashboardPollSec: 10,
    dashboardReadBytesPerPoll: 40_000,
    durableObjectMsPerMessage: 10,
    webSocketSessionHours: 1,
    socketFlushCommands: 9,
    socketEarlyFlushesPerSession: 2,
    socketFlushBytesPerViewer: 20,
    socketsPerShard: 10_000,
    socketMessagesPerSession: 3,
    durableObjectMsPerFlush: 50,
    deploysPerMonth: 4,
    watchers: 0,
};
/** Bytes of a packed viewing-record item besides its records: pk, sk, entity type, ttl. */
export const VIEWING_ITEM_KEY_BYTES = 100;
/** The item size a packing factor promises not to exceed (one write unit). */
export const PACKED_ITEM_LIMIT_BYTES = 1024;
/** Size of a packed viewing-record item, bytes. */
export function packedItemBytes(w) {
    return VIEWING_ITEM_KEY_BYTES + w.viewingRecordPackingFactor * w.viewingRecordBytes;
}
/**
 * Seconds between an anonymous viewer's token requests: the token lives 600 s
 * (ANONYMOUS_SESSION_TTL_SEC, edge/presence/anonymous-sessions.ts) and the typed client renews
 * it 60 s before it expires (openapi/client/anonymous-session.ts).
 */
export const ANONYMOUS_TOKEN_RENEW_SEC = 540;
/** The presence TTL used when none is given: four heartbeat intervals. */
export const PRESENCE_TTL_INTERVALS = 4;
/** Thrown for a workload the model cannot price; `fields` names every bad input. */
export class WorkloadError extends Error {
    fields;
    name = "WorkloadError";
    code = "INVALID_WORKLOAD";
    constructor(fields, message) {
        super(message);
        this.fields = fields;
    }
}
/** A complete, validated workload: the defaults with `overrides` applied. */
export function defaultWorkload(overrides = {}) {
    const interval = overrides.heartbeatIntervalSec ?? DEFAULTS.heartbeatIntervalSec;
    const workload = {
        ...DEFAULTS,
        presenceTtlSec: PRESENCE_TTL_INTERVALS * interval,
        ...withoutUndefined(overrides),
    };
    return validateWorkload(workload);
}
function withoutUndefined(overrides) {
    return Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
}
const positive = (v) => v > 0;
const nonNegative = (v) => v >= 0;
const atLeastOne = (v) => v >= 1;
const wholeAtLeastOne = (v) => Number.isInteger(v) && v >= 1;
const RULES = [
    ["viewers", nonNegative, "a number >= 0"],
    ["hoursLivePerDay", (v) => v > 0 && v <= 24, "a number > 0 and <= 24"],
    ["sessionMinutes", positive, "a number > 0"],
    ["anonymousViewerShare", (v) => v >= 0 && v <= 1, "a number from 0 to 1"],
    ["redisCommandsPerLeave", nonNegative, "a number >= 0"],
    ["invocationLogSampling", (v) => v >= 0 && v <= 1, "a number from 0 to 1"],
    ["stages", wholeAtLeastOne, "a whole number >= 1"],
    ["heartbeatIntervalSec", positive, "a number > 0"],
    ["tabsPerViewer", atLeastOne, "a number >= 1"],
    ["heartbeatsPerTabInterval", positive, "a number > 0"],
    ["presenceTtlSec", positive, "a number > 0"],
    ["snapshotIntervalSec", positive, "a number > 0"],
    ["countReadsPerHeartbeat", nonNegative, "a number >= 0"],
    ["redisCommandsPerHeartbeat", nonNegative, "a number >= 0"],
    ["redisBytesPerHeartbeat", nonNegative, "a number >= 0"],
    ["workerCpuMsPerHeartbeat", nonNegative, "a number >= 0"],
    ["redisHeaderBytesPerHeartbeat", nonNegative, "a number >= 0"],
    ["redisBandwidthCountsHeaders", (v) => v === 0 || v === 1, "0 or 1"],
    ["workerCpuMsPerSyncedViewer", nonNegative, "a number >= 0"],
    ["heartbeatItemSizeBytes", positive, "a number > 0"],
    ["snapshotItemSizeBytes", positive, "a number > 0"],
    ["rollupItemSizeBytes", positive, "a number > 0"],
    ["viewerDayItemSizeBytes", positive, "a number > 0"],
    ["viewingRecordPackingFactor", atLeastOne, "a number >= 1"],
    ["viewingRecordBytes", positive, "a number > 0"],
    ["hoursPerMonth", (v) => v > 0 && v <= 744, "a number > 0 and <= 744"],
    ["redisBytesPerViewer", nonNegative, "a number >= 0"],
    ["syncBytesPerViewerPerRun", nonNegative, "a number >= 0"],
    ["syncCommandsPerRun", nonNegative, "a number >= 0"],
    ["syncCommandsPerStagePerRun", nonNegative, "a number >= 0"],
    ["provisionedUtilisation", (v) => v > 0 && v <= 1, "a number > 0 and <= 1"],
    ["peakToAverage", atLeastOne, "a number >= 1"],
    ["dynamoResponseOverheadBytes", nonNegative, "a number >= 0"],
    ["auditRetentionDays", nonNegative, "a number >= 0"],
    ["snapshotRetentionDays", nonNegative, "a number >= 0"],
    ["historyMonths", nonNegative, "a number >= 0"],
    ["dashboards", nonNegative, "a number >= 0"],
    ["dashboardPollSec", positive, "a number > 0"],
    ["dashboardReadBytesPerPoll", nonNegative, "a number >= 0"],
    ["durableObjectMsPerMessage", nonNegative, "a number >= 0"],
    ["webSocketSessionHours", positive, "a number > 0"],
    ["socketFlushCommands", positive, "a number > 0"],
    ["socketEarlyFlushesPerSession", nonNegative, "a number >= 0"],
    ["socketFlushBytesPerViewer", nonNegative, "a number >= 0"],
    ["socketsPerShard", positive, "a number > 0"],
    ["socketMessagesPerSession", nonNegative, "a number >= 0"],
    ["durableObjectMsPerFlush", nonNegative, "a number >= 0"],
    ["deploysPerMonth", nonNegative, "a number >= 0"],
    ["watchers", nonNegative, "a number >= 0"],
];
/**
 * Returns the workload unchanged if every input is usable, or throws a {@link WorkloadError}
 * naming each bad field, what it got and what it needs.
 */
export function validateWorkload(workload) {
    const problems = [];
    const fields = [];
    for (const [field, check, expectation] of RULES) {
        const value = workload[field];
        if (typeof value !== "number" || !Number.isFinite(value) || !check(value)) {
            fields.push(field);
            problems.push(`${field} must be ${expectation} (got ${String(value)})`);
        }
    }
    if (workload.consistency !== "eventual" && workload.consistency !== "strong") {
        fields.push("consistency");
        problems.push(`consistency must be "eventual" or "strong" (got ${String(workload.consistency)})`);
    }
    if (!fields.includes("presenceTtlSec") &&
        !fields.includes("heartbeatIntervalSec") &&
        workload.presenceTtlSec < workload.heartbeatIntervalSec) {
        fields.push("presenceTtlSec");
        problems.push(`presenceTtlSec (${workload.presenceTtlSec}) must be >= heartbeatIntervalSec (${workload.heartbeatIntervalSec}), or viewers drop out between heartbeats`);
    }
    if (!fields.includes("viewingRecordPackingFactor") &&
        !fields.includes("viewingRecordBytes") &&
        packedItemBytes(workload) > PACKED_ITEM_LIMIT_BYTES) {
        fields.push("viewingRecordPackingFactor");
        problems.push(`viewingRecordPackingFactor (${workload.viewingRecordPackingFactor}) x viewingRecordBytes (${workload.viewingRecordBytes}) + ${VIEWING_ITEM_KEY_BYTES} bytes of keys = ${packedItemBytes(workload)} bytes, more than the ${PACKED_ITEM_LIMIT_BYTES}-byte item it packs into`);
    }
    if (problems.length > 0) {
        throw new WorkloadError(fields, `Invalid workload: ${problems.join("; ")}.`);
    }
    return workload;
}
