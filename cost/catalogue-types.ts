/**
 * Types of the dated price catalogue. Every figure carries its unit, where it was read, when,
 * and whether it was checked against a source (`verified`) or only copied from the project's
 * PRICES.md (`verified: false`). Units are decimal: 1 GB = 10^9 bytes, 1 MB = 10^6 bytes.
 */

/** One price, quota or limit with its provenance. */
export interface Figure {
  /** The number, in `unit`. */
  readonly value: number;
  /** What one of `value` means, e.g. "USD per million write request units". */
  readonly unit: string;
  /** Document name or URL it was read from. */
  readonly source: string;
  /** The date (YYYY-MM-DD) the source was read. */
  readonly readOn: string;
  /** True when the figure was found in `source`; false when only PRICES.md had it. */
  readonly verified: boolean;
  /** What exactly was read (first-party page, a copy of it, a third-party summary). */
  readonly evidence?: string;
}

/** DynamoDB on-demand request prices for a period (us-east-1). */
export interface OnDemandPeriod {
  /** First day (inclusive, YYYY-MM-DD) these prices applied; undefined = long before. */
  readonly from?: string;
  /** First day (exclusive) they no longer applied; undefined = still current. */
  readonly until?: string;
  readonly writePerMillion: Figure;
  readonly readPerMillion: Figure;
}

export interface DynamoPrices {
  readonly onDemand: OnDemandPeriod;
  readonly provisioned: {
    readonly wcuHour: Figure;
    readonly rcuHour: Figure;
    /** Always-free provisioned capacity per account and region (provisioned mode only). */
    readonly freeWcu: Figure;
    readonly freeRcu: Figure;
  };
  readonly storage: {
    readonly perGbMonth: Figure;
    readonly freeGb: Figure;
  };
  /** Standard-Infrequent-Access table class, as multipliers of the Standard prices. */
  readonly standardIa: {
    readonly storageMultiplier: Figure;
    readonly requestMultiplier: Figure;
  };
  /** Billing rules: write units per started KB, read units per started 4 KB. */
  readonly units: {
    readonly writeUnitBytes: Figure;
    readonly readUnitBytes: Figure;
    /** Items per BatchWriteItem call; each item is still billed as its own write. */
    readonly batchWriteMaxItems: Figure;
  };
  /** Point-in-time recovery (continuous backups), an option a production table usually has. */
  readonly pitrPerGbMonth: Figure;
  /** Bytes DynamoDB adds to every item for indexing when it bills storage. */
  readonly storageOverheadBytesPerItem: Figure;
  /** Default throughput quota of an on-demand table (raisable on request). */
  readonly quotas: {
    readonly tableWriteUnitsPerSec: Figure;
    readonly tableReadUnitsPerSec: Figure;
  };
}

export interface UpstashFixedPlan {
  readonly name: string;
  readonly monthly: Figure;
  readonly maxDataBytes: Figure;
  readonly monthlyBandwidthBytes: Figure;
  readonly maxCommandsPerSec: Figure;
  readonly maxRequestBytes: Figure;
}

export interface UpstashPrices {
  readonly payg: {
    readonly per100kCommands: Figure;
    readonly storagePerGbMonth: Figure;
    readonly freeStorageGb: Figure;
    readonly freeBandwidthGb: Figure;
    readonly bandwidthPerGb: Figure;
    readonly maxDataBytes: Figure;
    readonly maxCommandsPerSec: Figure;
    readonly maxRequestBytes: Figure;
    readonly freeDatabases: Figure;
    readonly perExtraDatabase: Figure;
  };
  /** Fixed plans, cheapest first. */
  readonly fixedPlans: readonly UpstashFixedPlan[];
  /** Prod Pack (uptime SLA, multi-zone replication, encryption at rest): per database. */
  readonly prodPackPerDatabase: Figure;
  /** The command rate from which Upstash sells Enterprise (custom prices) instead of plans. */
  readonly enterpriseCommandsPerSec: Figure;
}

export interface ElastiCacheNode {
  readonly type: string;
  readonly hourly: Figure;
  readonly memoryGiB: Figure;
}

export interface ElastiCachePrices {
  /** On-demand nodes (Redis OSS engine), cheapest first. */
  readonly nodes: readonly ElastiCacheNode[];
  /** Current-generation nodes launch only inside a VPC: an edge worker cannot reach them. */
  readonly reachableFromEdge: false;
  readonly vpcOnly: Figure;
}

export interface WorkersPrices {
  readonly baseMonthly: Figure;
  readonly includedRequests: Figure;
  readonly perMillionRequests: Figure;
  readonly includedCpuMs: Figure;
  readonly perMillionCpuMs: Figure;
  /** 1 = every Cron Trigger invocation is billed as one request. */
  readonly cronInvocationRequests: Figure;
}

/**
 * Workers Logs, billed since 2026-12-01 as Cloudflare Observability: ingested and stored GB,
 * with allowances per account and billing cycle (Workers Paid).
 */
export interface WorkersLogsPrices {
  readonly includedIngestGb: Figure;
  readonly perIngestGb: Figure;
  readonly includedStorageGbMonths: Figure;
  readonly perStorageGbMonth: Figure;
  /** Days an event stays queryable (and billed as storage). */
  readonly retentionDays: Figure;
  /** Average size of a Workers log event as ingested (body and enriched attributes). */
  readonly bytesPerWorkersEvent: Figure;
}

export interface TransferPrices {
  /** AWS data transfer out to the internet (what DynamoDB sends back to an edge worker). */
  readonly awsFreeGb: Figure;
  readonly awsPerGb: Figure;
}

/** Cloudflare Durable Objects on Workers Paid: compute, and SQLite storage (the WebSocket shards). */
export interface DurableObjectsPrices {
  readonly includedRequests: Figure;
  readonly perMillionRequests: Figure;
  /** Incoming WebSocket messages per billed request (the 20:1 ratio). */
  readonly webSocketMessagesPerRequest: Figure;
  readonly includedGbSeconds: Figure;
  readonly perMillionGbSeconds: Figure;
  /** Memory duration is billed at, whatever an object uses. */
  readonly billedMemoryGb: Figure;
  /** SQLite storage: rows written (each put, delete and setAlarm) and rows read (each get). */
  readonly includedRowsWritten: Figure;
  readonly perMillionRowsWritten: Figure;
  readonly includedRowsRead: Figure;
  readonly perMillionRowsRead: Figure;
  /** Soft limit of requests per second one object takes before answering "overloaded". */
  readonly maxRequestsPerSecPerObject: Figure;
}

/** A complete, dated catalogue. `asOf` is the date whose prices it holds. */
export interface PriceCatalogue {
  readonly id: string;
  readonly asOf: string;
  readonly region: "us-east-1";
  readonly currency: "USD";
  readonly dynamodb: DynamoPrices;
  readonly upstash: UpstashPrices;
  readonly elasticache: ElastiCachePrices;
  readonly workers: WorkersPrices;
  readonly workersLogs: WorkersLogsPrices;
  readonly durableObjects: DurableObjectsPrices;
  readonly transfer: TransferPrices;
}
