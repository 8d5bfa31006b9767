/**
 * The workload a cost estimate is made for: what viewers do, and the assumptions about what
 * each action costs in commands, bytes, CPU and items. Defaults are documented beside each
 * field; the ones marked "assumption" should be replaced by measurements from the local stack.
 */
export type Consistency = "eventual" | "strong";
export interface Workload {
    /**
     * Concurrent viewers, on average over the hours the audience watches (`hoursLivePerDay`); the
     * peak is `peakToAverage` times as many.
     */
    viewers: number;
    /**
     * Hours a day the audience watches: 2 for a two-hour show a day, 24 (the default) for an
     * audience around the clock. Heartbeats, sync work and history scale with it; the cron still
     * runs every 5 minutes all day, and the plan is still sized for the peak.
     */
    hoursLivePerDay: number;
    /** Active stages the viewers are spread over (evenly). Default 10. */
    stages: number;
    /** Seconds between a viewer's heartbeats. Default 30. */
    heartbeatIntervalSec: number;
    /**
     * Browser tabs (or players) per viewer; each sends its own heartbeats, while Redis holds the
     * viewer once. Default 1. Not measurable on the local stack (the calibration's own audience
     * has 1.2 by construction); set it from a real audience.
     */
    tabsPerViewer: number;
    /**
     * Heartbeats one tab sends per nominal interval. The typed client waits 0.90 to 0.98 of the
     * interval (jitter), so about 1.06; default 1 (nominal), measured by `npm run cost:calibrate`
     * (measured.ts).
     */
    heartbeatsPerTabInterval: number;
    /** Seconds a viewer counts as present after a heartbeat. Default 4 x the interval (120 s). */
    presenceTtlSec: number;
    /** Seconds between sync-job runs (snapshots, viewing records). Default 300. */
    snapshotIntervalSec: number;
    /**
     * Store reads one heartbeat triggers in architectures that read the count back from
     * DynamoDB (pure DynamoDB, batched writes). The seed assumes about 1. Default 1.
     */
    countReadsPerHeartbeat: number;
    /** Upstash commands per heartbeat (ZADD presence + ZADD watch slot). Default 2; measure it. */
    redisCommandsPerHeartbeat: number;
    /**
     * Request plus response body bytes per heartbeat at Upstash. Assumption: 300. Whether Upstash
     * meters bodies only or also HTTP headers is not documented: see `redisBandwidthCountsHeaders`.
     */
    redisBytesPerHeartbeat: number;
    /**
     * HTTP header bytes (request line, headers, status line; both ways) per heartbeat's Upstash
     * requests. Default 0; measured against the local endpoint by `npm run cost:calibrate`.
     */
    redisHeaderBytesPerHeartbeat: number;
    /**
     * Whether Upstash's bandwidth includes HTTP headers (1) or bodies only (0). Upstash documents
     * "data transfer" without saying; default 0, and the fixed-plan estimate notes the other case.
     */
    redisBandwidthCountsHeaders: number;
    /** Worker CPU per heartbeat, ms. Assumption: 1 (token check, one fetch, JSON). */
    workerCpuMsPerHeartbeat: number;
    /** Worker CPU of the sync job per viewer synced, ms (one viewer of one window). Assumption: 0.05. */
    workerCpuMsPerSyncedViewer: number;
    /** Size of a heartbeat item in DynamoDB, bytes. Default 200 (one write unit). */
    heartbeatItemSizeBytes: number;
    /** Size of a stage snapshot item, bytes. Default 300 (one write unit). */
    snapshotItemSizeBytes: number;
    /**
     * Size of an hour or day rollup item, bytes (sync/history/hour-rollups.ts: figures plus breakdowns by
     * country and device). Assumption: 600 (one write unit). Two a stage an hour: the hour, and
     * its day written again.
     */
    rollupItemSizeBytes: number;
    /**
     * Size of a viewer's watch time for one stage and UTC day, bytes (sync/history/viewer-days.ts: keys,
     * ids, the day, seconds). Assumption: 150 (one write unit). One a viewer a day (viewers watch
     * around the clock), kept forever.
     */
    viewerDayItemSizeBytes: number;
    /**
     * Viewing records packed into one item of at most 1 KB (keys included): the factor must
     * fit, see {@link VIEWING_ITEM_KEY_BYTES}. Default 20.
     */
    viewingRecordPackingFactor: number;
    /** Bytes of one viewing record inside a packed item (viewer, window, seconds). Default 40. */
    viewingRecordBytes: number;
    /** Consistency of count reads: eventual costs half a read unit. Default "eventual". */
    consistency: Consistency;
    /** Hours in a billing month. Default 730 (AWS's convention; the seed used 720). */
    hoursPerMonth: number;
    /**
     * Redis memory per present viewer, everything held: the hour's index entry (with country and
     * device), a closed window awaiting sync and the open one. Default 186, measured by
     * `npx tsx test/bench/redis-memory.ts` (slot bitmaps, 2026-11-30).
     */
    redisBytesPerViewer: number;
    /**
     * Upstash bytes (request plus response bodies) the sync job moves per viewer per run.
     * Default 50: `npx tsx test/bench/sync-bench.ts`, one stage of 10,000 (0.1 MB sent, 0.4 MB read).
     */
    syncBytesPerViewerPerRun: number;
    /** Upstash commands per sync run, fixed part (lock, registry, marker, unlock). Default 4. */
    syncCommandsPerRun: number;
    /** Upstash commands per sync run per stage (ZCOUNT, HGETALL, DEL, prune). Default 4. */
    syncCommandsPerStagePerRun: number;
    /** Provisioned capacity is sized to average rate / this target. Default 0.7 (70%). */
    provisionedUtilisation: number;
    /**
     * Peak concurrent viewers over the average while live (joins at a show's start). Databases are
     * sized for the peak: commands/s, Redis memory, DynamoDB's table quota. Assumption: 1.5.
     */
    peakToAverage: number;
    /**
     * Minutes a viewer watches before leaving: each session ends with a leave (a Worker request
     * and a Redis script) and, for an anonymous viewer, starts with a token request. Default 60
     * (assumption).
     */
    sessionMinutes: number;
    /**
     * Share of viewers on anonymous sessions: their token comes from the Worker
     * (startAnonymousSession), one request when the session starts and one every
     * {@link ANONYMOUS_TOKEN_RENEW_SEC}. Viewers with a token from your backend cost the Worker
     * nothing for it. Default 0.
     */
    anonymousViewerShare: number;
    /**
     * Upstash commands of a leave: the script, its HGET and a BITFIELD per slot of the presence
     * TTL (edge LEAVE_SCRIPT; Upstash bills each command a script runs). Default 7, counted from
     * the script, not measured.
     */
    redisCommandsPerLeave: number;
    /**
     * Workers invocation logs: the share of invocations that log one (`head_sampling_rate` with
     * `invocation_logs` on); 0 = invocation logs off, as wrangler.toml configures them, so only
     * the lines the worker writes are logged (one per sync run and database; failures, at most
     * one per 10 s per database and isolate, are not priced). Default 0.
     */
    invocationLogSampling: number;
    /**
     * Bytes DynamoDB sends back per request besides the item (HTTP headers, JSON envelope);
     * billed as AWS data transfer out because the caller is an edge worker. Assumption: 300.
     */
    dynamoResponseOverheadBytes: number;
    /**
     * Days heartbeat events are kept when every heartbeat is stored (audit trail): the sync job's
     * `AUDIT_RETENTION_DAYS` (shared/config.ts), default 30; 0 means for good, as there.
     */
    auditRetentionDays: number;
    /** Days a snapshot item is kept (its TTL). Default 30. */
    snapshotRetentionDays: number;
    /**
     * Months since the deployment started, at which storage (viewing records and rollups, kept
     * forever) is priced. Default 12; estimates also show months 1, 12 and 36.
     */
    historyMonths: number;
    /** Consoles open around the clock, each polling the history routes (DynamoDB). Default 1. */
    dashboards: number;
    /** Seconds between a console's polls. Default 10 (assumption). */
    dashboardPollSec: number;
    /**
     * DynamoDB bytes one poll reads: a page of stages and a stage's series (about 100 snapshots
     * or rollups). Assumption: 40,000 (10 read units strongly consistent, 5 eventually).
     */
    dashboardReadBytesPerPoll: number;
    /**
     * Durable Objects: wall-clock ms an object is active per incoming WebSocket message (it is
     * billed for that time at 128 MB). Default 10, the figure of Cloudflare's pricing example 4; an
     * assumption, not measured.
     */
    durableObjectMsPerMessage: number;
    /** Durable Objects: hours a viewer's WebSocket stays connected before reconnecting. Default 1. */
    webSocketSessionHours: number;
    /**
     * The WebSocket transport (websocket-shards.ts): Upstash commands one shard sends per flush
     * (its viewers' bits, their indexes when new, the stage's count and registry check). Default
     * 9: 36 commands in 4 flushes, measured by `npm run load -- --transport websocket` (BENCHMARKS.md,
     * "Presence sockets against npm start"); one BITFIELD more per 1,500 viewers of the shard.
     */
    socketFlushCommands: number;
    /**
     * Early flushes a socket session causes besides the slot's: a shard flushes about 1 s after a
     * join, a leave or a change to playing (edge/presence-shard.ts), merging those of that second.
     * Default 2 (the join and the leave).
     */
    socketEarlyFlushesPerSession: number;
    /** Bytes a flush sends per viewer of the shard (a BITFIELD operation, `SET u2 #<index> 3`). Default 20. */
    socketFlushBytesPerViewer: number;
    /** Sockets one shard holds at most before the stage gets another (the 10,000). */
    socketsPerShard: number;
    /** Incoming messages per socket session besides pings (state changes, the leave). Default 3. */
    socketMessagesPerSession: number;
    /** Wall-clock ms a shard is active per slot flush (mostly waiting on Upstash). Default 50. */
    durableObjectMsPerFlush: number;
    /** Deploys a month: each closes every socket, and every tab reconnects. Default 4. */
    deploysPerMonth: number;
    /** Pages watching a stage's count without being counted (`watchStage`), on average. Default 0. */
    watchers: number;
}
/** Bytes of a packed viewing-record item besides its records: pk, sk, entity type, ttl. */
export declare const VIEWING_ITEM_KEY_BYTES = 100;
/** The item size a packing factor promises not to exceed (one write unit). */
export declare const PACKED_ITEM_LIMIT_BYTES = 1024;
/** Size of a packed viewing-record item, bytes. */
export declare function packedItemBytes(w: Pick<Workload, "viewingRecordPackingFactor" | "viewingRecordBytes">): number;
/**
 * Seconds between an anonymous viewer's token requests: the token lives 600 s
 * (ANONYMOUS_SESSION_TTL_SEC, edge/presence/anonymous-sessions.ts) and the typed client renews
 * it 60 s before it expires (openapi/client/anonymous-session.ts).
 */
export declare const ANONYMOUS_TOKEN_RENEW_SEC = 540;
/** The presence TTL used when none is given: four heartbeat intervals. */
export declare const PRESENCE_TTL_INTERVALS = 4;
/** Thrown for a workload the model cannot price; `fields` names every bad input. */
export declare class WorkloadError extends Error {
    readonly fields: readonly string[];
    readonly name = "WorkloadError";
    readonly code = "INVALID_WORKLOAD";
    constructor(fields: readonly string[], message: string);
}
/** A complete, validated workload: the defaults with `overrides` applied. */
export declare function defaultWorkload(overrides?: Partial<Workload>): Workload;
/**
 * Returns the workload unchanged if every input is usable, or throws a {@link WorkloadError}
 * naming each bad field, what it got and what it needs.
 */
export declare function validateWorkload(workload: Workload): Workload;
