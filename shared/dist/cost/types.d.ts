/** Shapes of the cost model's results. All money is USD per month. */
export declare const ARCHITECTURE_IDS: readonly ["dynamodb-on-demand", "dynamodb-provisioned", "batched-heartbeat-writes", "redis-only", "redis-only-fixed", "redis-snapshots-payg", "redis-snapshots-fixed", "websocket-shards-snapshots", "elasticache-snapshots", "durable-objects-snapshots"];
export type ArchitectureId = (typeof ARCHITECTURE_IDS)[number];
/** Monthly dollars per tier. */
export interface TierCosts {
    /** Cloudflare Workers: plan minimum, requests beyond the included ones, CPU time. */
    edge: number;
    /**
     * Cloudflare Durable Objects: requests (WebSocket upgrades, incoming messages 20 to 1, alarms)
     * and duration beyond the included; 0 where no object runs.
     */
    objects: number;
    /**
     * Workers Logs (Cloudflare Observability): log events ingested and stored beyond the included
     * allowances. With invocation logs off (wrangler.toml) only the lines the worker writes.
     */
    logs: number;
    /**
     * The hot store: Upstash (commands, storage, bandwidth or a fixed plan) or ElastiCache nodes.
     */
    redis: number;
    dynamoWrites: number;
    dynamoReads: number;
    dynamoStorage: number;
    /** AWS data transfer out: DynamoDB's responses travelling to the edge. */
    transfer: number;
}
export declare const TIER_NAMES: readonly ["edge", "objects", "logs", "redis", "dynamoWrites", "dynamoReads", "dynamoStorage", "transfer"];
/** The quantities behind the dollars (per month unless named otherwise). */
export interface UsageCounts {
    heartbeats: number;
    workerRequests: number;
    workerCpuMs: number;
    /** Workers Logs events, and the GB they are ingested as. */
    logEvents: number;
    logIngestGb: number;
    redisCommands: number;
    redisBandwidthGb: number;
    redisDataMb: number;
    redisPeakCommandsPerSec: number;
    /** Durable Objects: billed requests (upgrades, incoming messages / 20, alarms), GB-s of duration. */
    objectRequests: number;
    objectGbSeconds: number;
    dynamoWriteUnits: number;
    dynamoWriteRequests: number;
    dynamoReadUnits: number;
    dynamoReadRequests: number;
    dynamoStorageGb: number;
    /** Provisioned capacity bought (provisioned architecture only; 0 otherwise). */
    provisionedWcu: number;
    provisionedRcu: number;
    transferOutGb: number;
    syncRuns: number;
    snapshotItems: number;
    viewingRecordItems: number;
}
/**
 * A limit checked against the workload, per database or object where there are several:
 * `binding` means usage is at 80% or more of it, `exceeded` that usage is over it. (Which limit
 * decided a plan is said in the estimate's notes.)
 */
export interface LimitCheck {
    name: string;
    used: number;
    limit: number;
    unit: string;
    status: "ok" | "binding" | "exceeded";
}
/**
 * Something a buyer may add that the total leaves out (an SLA, backups, invocation logs), with
 * its monthly price and why.
 */
export interface PricedOption {
    name: string;
    /** USD per month on top of the total. */
    monthlyUsd: number;
    note: string;
}
/** A total as a range, and what moves it (range.ts). */
export interface CostRange {
    /** USD per month at the most favourable of the movers (or the total itself). */
    low: number;
    high: number;
    /** Each thing that moves the total, with the total it gives. */
    movers: {
        name: string;
        total: number;
    }[];
}
/** DynamoDB storage held at a month since the deployment started, and its monthly price. */
export interface StorageAtMonth {
    month: number;
    gb: number;
    usd: number;
}
export interface CostEstimate {
    architecture: ArchitectureId;
    label: string;
    /** False when the architecture cannot serve heartbeats from an edge worker. */
    usableFromEdge: boolean;
    /** True when it keeps history (snapshots, viewing records or heartbeat events). */
    keepsHistory: boolean;
    tiers: TierCosts;
    total: number;
    counts: UsageCounts;
    limits: LimitCheck[];
    /** The chosen plan or node, where the architecture chooses one. */
    plan?: {
        name: string;
        databases: number;
    };
    notes: string[];
    /** What a buyer may add on top of the total, priced (not included in it). */
    options: PricedOption[];
    /** The total's range as the inputs nobody knows in advance move (compareArchitectures sets it). */
    range?: CostRange;
    /** DynamoDB storage at months 1, 12 and 36 (history grows: viewing records, rollups). */
    storageByMonth: StorageAtMonth[];
    /** Catalogue the estimate was priced with. */
    catalogueId: string;
    pricesAsOf: string;
}
/** An estimate with its range, as compareArchitectures (and the API's estimateCost) give it. */
export type RangedCostEstimate = CostEstimate & {
    range: CostRange;
};
