/**
 * The one place that turns the environment (Worker bindings or `process.env`) into a typed,
 * validated configuration. Nothing else reads the environment, and nothing reads it at import.
 */
/** HEARTBEAT_INTERVAL_SEC when unset, in s (also the cost model's default). */
export declare const DEFAULT_HEARTBEAT_INTERVAL_SEC = 30;
/** One Upstash database: its REST URL (no trailing slash) and its token. */
export interface RedisDatabase {
    url: string;
    token: string;
}
/**
 * At most this many databases. Sized from issue 22's projection for 10,000,000 viewers: 37-80
 * databases at the measured steady rates (1.02-2.26 commands a heartbeat) and about 170 at the
 * top of the hour (5.02 commands a heartbeat for the first interval), on plans of 10,000-16,000
 * commands/s; 256 keeps the top of the hour with room to spare. What grows with it: every
 * heartbeat hashes its stage once per database (shared/rendezvous.ts, microseconds), the
 * platform's totals read every database (two requests each, far below a Worker request's
 * subrequests), and the sync job runs once per database (in parallel in Node and Deno,
 * `SYNC_DATABASE_CONCURRENCY`; one queue message each in a Worker). One stage still spreads over
 * at most MAX_STAGE_DATABASES (shared/stage.ts).
 */
export declare const MAX_REDIS_DATABASES = 256;
/**
 * REDIS_COMMANDS_PER_SEC when unset, commands/s: the "Max Commands Per Second" of Upstash's
 * pay-as-you-go plan and of every fixed plan up to 50 GB (16,000 on the two largest;
 * shared/cost/prices.ts).
 */
export declare const DEFAULT_REDIS_COMMANDS_PER_SEC = 10000;
/** SYNC_DATABASE_CONCURRENCY when unset: databases the Node and Deno sync entries run at once. */
export declare const DEFAULT_SYNC_DATABASE_CONCURRENCY = 4;
/** Everything the worker and the sync job need, with units in the names. */
export interface Config {
    /** The first of `redisDatabases` (what a single-database deployment configures). */
    upstashRedisRestUrl: string;
    upstashRedisRestToken: string;
    /**
     * Every Upstash database, in the order `UPSTASH_REDIS_REST_URL` and `UPSTASH_REDIS_REST_TOKEN`
     * list them (comma-separated, one token per URL). At least one, at most
     * {@link MAX_REDIS_DATABASES}, no URL twice.
     */
    redisDatabases: RedisDatabase[];
    awsRegion: string;
    /** Absent on AWS, where the SDK finds credentials itself (role, profile). */
    awsCredentials?: {
        accessKeyId: string;
        secretAccessKey: string;
        sessionToken?: string;
    };
    dynamodbTable: string;
    /** Local DynamoDB-API server only; absent means AWS. */
    dynamodbEndpoint?: string;
    adminApiKey: string;
    /** Read-only key for history and totals (ANALYTICS_API_KEY); absent: only the admin key. */
    analyticsApiKey?: string;
    /** Signs viewer tokens and presence tickets (VIEWER_TOKEN_SECRET). */
    viewerTokenSecret: string;
    /**
     * Secrets whose viewer tokens are still accepted, not used to sign
     * (VIEWER_TOKEN_PREVIOUS_SECRETS, comma-separated): rotating the secret without logging
     * every viewer out. Empty by default.
     */
    previousViewerTokenSecrets: string[];
    /** Prefix for every Redis key; lets tests and several deployments share one database. */
    redisKeyPrefix: string;
    /** How often viewers should send a heartbeat, in seconds (default 30). */
    heartbeatIntervalSec: number;
    /** A viewer counts as present this long after their last heartbeat, in seconds (default 120). */
    presenceTtlSec: number;
    /** Origins allowed to call the viewer-facing routes from a browser (default `*`). */
    corsOrigins: string[];
    /**
     * Cost-aware heartbeats: what the hot path (Workers + Upstash) may cost per month, USD. When
     * set, the sync job lengthens the interval (up to `heartbeatIntervalMaxSec`) for large
     * audiences. Absent: the interval stays `heartbeatIntervalSec`.
     */
    hotPathBudgetUsd?: number;
    /** The longest interval the budget may impose, in seconds (default 120). */
    heartbeatIntervalMaxSec: number;
    /** How Upstash bills this database: `fixed` (a plan; commands not billed) or `payg`. */
    upstashBilling: "fixed" | "payg";
    /** Days a snapshot is kept (its DynamoDB TTL; default 30). */
    snapshotRetentionDays: number;
    /**
     * Days an audit event is kept (default 30, as the cost model prices it); absent: for good
     * (`AUDIT_RETENTION_DAYS=0`).
     */
    auditRetentionDays?: number;
    /**
     * Whether `getViewerTotals` (the platform's total audience) answers anyone (default) or only
     * the admin key: a competitor may read a public total as often as it likes.
     */
    publicViewerTotals: boolean;
    /**
     * Whether the edge sheds load from a Redis database that stalls or makes calls wait: a
     * breaker and an in-flight budget per database (edge/redis-guard.ts). Default true;
     * `REDIS_LOAD_SHEDDING=false` lets every call wait for its deadline, to measure the difference.
     */
    redisLoadShedding: boolean;
    /**
     * Each database's command budget as one isolate spends it, commands/s, in the order of
     * `redisDatabases` (REDIS_COMMANDS_PER_SEC: one number for all, or one per database,
     * comma-separated; default {@link DEFAULT_REDIS_COMMANDS_PER_SEC}, every Upstash plan's
     * floor). Past it the edge answers 503 + `Retry-After: 1` at once instead of sending calls a
     * throttled database would keep past their deadline (edge/redis-guard.ts). Per isolate: with
     * several isolates on one database, give each its share.
     */
    redisCommandsPerSec: number[];
    /**
     * How many databases the Node CLI and the Deno cron sync at once (SYNC_DATABASE_CONCURRENCY,
     * default 4, 1 to {@link MAX_REDIS_DATABASES}), each run under its own database's lock. A run
     * holds its stages' windows in memory (about 54 MB at 1,000,000 viewers, BENCHMARKS.md), so
     * memory grows with it; 37 databases of 9-20 s each take 1.4-3 minutes at 4, within the
     * 5-minute cadence. A Worker fans out over its queue instead (sync/fan-out.ts).
     */
    syncDatabaseConcurrency: number;
}
/** Thrown when a variable is missing or malformed; the message names every bad variable. */
export declare class ConfigError extends Error {
    readonly problems: string[];
    readonly name = "ConfigError";
    readonly code = "config_invalid";
    constructor(problems: string[]);
}
type Source = Record<string, unknown>;
/** What reaching the DynamoDB table takes: for the sync job, `db:create`, and the worker. */
export type TableConfig = Pick<Config, "awsRegion" | "dynamodbTable" | "dynamodbEndpoint" | "awsCredentials">;
/** Parses the DynamoDB part of the configuration; throws {@link ConfigError} listing every problem. */
export declare function parseTableConfig(env: Source): TableConfig;
export declare function parseConfig(env: Source): Config;
/** The viewer-token secrets a verifier accepts: the current one first, then previous ones. */
export declare function viewerTokenSecrets(config: Pick<Config, "viewerTokenSecret" | "previousViewerTokenSecrets">): string[];
export {};
