import { BILL_LINES_READ_ON, DURABLE_OBJECTS_READ_ON, READ_ON, SOURCES } from "./sources.js";
function fig(value, unit, source, verified = true, evidence) {
    return evidence === undefined
        ? { value, unit, source, readOn: READ_ON, verified }
        : { value, unit, source, readOn: READ_ON, verified, evidence };
}
/** A Durable Objects figure (read on {@link DURABLE_OBJECTS_READ_ON}). */
function doFig(value, unit, source, evidence, verified = true) {
    return { value, unit, source, readOn: DURABLE_OBJECTS_READ_ON, verified, evidence };
}
/** A figure of the lines a real bill has (read on {@link BILL_LINES_READ_ON}). */
function billFig(value, unit, source, evidence) {
    return { value, unit, source, readOn: BILL_LINES_READ_ON, verified: true, evidence };
}
const GB = 1e9;
const MB = 1e6;
const TB = 1e12;
const SECONDARY_ON_DEMAND = "Stored excerpt of the AWS page cuts off before the table; figure confirmed by several dated copies citing it (airbyte.com DynamoDB pricing, July 2025; project docs checked 2026-10-04).";
/** DynamoDB on-demand request prices, oldest first. The 1 Nov 2024 cut halved both. */
export const ON_DEMAND_PERIODS = [
    {
        until: "2024-11-01",
        writePerMillion: fig(1.25, "USD per million write request units", SOURCES.dynamoPriceCut, true, "Pre-cut price; the cut 'halved the older $1.25/$0.25 figures'."),
        readPerMillion: fig(0.25, "USD per million read request units", SOURCES.dynamoPriceCut, true, "Pre-cut price."),
    },
    {
        from: "2024-11-01",
        writePerMillion: fig(0.625, "USD per million write request units", SOURCES.dynamoOnDemand, true, SECONDARY_ON_DEMAND),
        readPerMillion: fig(0.125, "USD per million read request units", SOURCES.dynamoOnDemand, true, SECONDARY_ON_DEMAND),
    },
];
function plan(name, monthlyUsd, dataBytes, bandwidthBytes, commandsPerSec, requestBytes) {
    const src = SOURCES.upstashPricing;
    return {
        name,
        monthly: fig(monthlyUsd, "USD per month (one database, primary region only)", src),
        maxDataBytes: fig(dataBytes, "bytes (max data size)", src),
        monthlyBandwidthBytes: fig(bandwidthBytes, "bytes per month (included bandwidth)", src),
        maxCommandsPerSec: fig(commandsPerSec, "commands per second (max)", src),
        maxRequestBytes: fig(requestBytes, "bytes (max request size)", src),
    };
}
/** Upstash fixed plans, cheapest first (no per-command billing; +read regions not modelled). */
export const UPSTASH_FIXED_PLANS = [
    plan("Fixed 250MB", 10, 250 * MB, 50 * GB, 10_000, 10 * MB),
    plan("Fixed 1GB", 20, 1 * GB, 100 * GB, 10_000, 10 * MB),
    plan("Fixed 5GB", 100, 5 * GB, 500 * GB, 10_000, 20 * MB),
    plan("Fixed 10GB", 200, 10 * GB, 1 * TB, 10_000, 30 * MB),
    plan("Fixed 50GB", 400, 50 * GB, 5 * TB, 10_000, 50 * MB),
    plan("Fixed 100GB", 800, 100 * GB, 10 * TB, 16_000, 75 * MB),
    plan("Fixed 500GB", 1500, 500 * GB, 20 * TB, 16_000, 100 * MB),
];
function node(type, hourlyUsd, memoryGiB) {
    return {
        type,
        hourly: fig(hourlyUsd, "USD per node-hour (on demand, Redis OSS)", SOURCES.pricesMd, false, "Only PRICES.md (marked unverified there); the stored AWS page excerpts stop before the node table."),
        memoryGiB: fig(memoryGiB, "GiB of node memory", SOURCES.pricesMd, false, "Node size from AWS node-type documentation, recalled, not re-read."),
    };
}
const upstashPayg = SOURCES.upstashBilling;
/**
 * The current catalogue: prices in effect on {@link BILL_LINES_READ_ON}, the last day any of
 * them was read (the others on {@link READ_ON} and {@link DURABLE_OBJECTS_READ_ON}). Workers
 * Logs changed its pricing on 2026-12-01, so no earlier date would describe it.
 */
export const CURRENT_CATALOGUE = {
    id: `us-east-1@${BILL_LINES_READ_ON}`,
    asOf: BILL_LINES_READ_ON,
    region: "us-east-1",
    currency: "USD",
    dynamodb: {
        onDemand: ON_DEMAND_PERIODS[ON_DEMAND_PERIODS.length - 1],
        provisioned: {
            wcuHour: fig(0.00065, "USD per WCU-hour", SOURCES.dynamoProvisioned, true, "AWS overview page: '$0.47 per write capacity unit-month' = 0.00065 x 730; same figure in many dated copies."),
            rcuHour: fig(0.00013, "USD per RCU-hour", SOURCES.dynamoProvisioned, true, "AWS overview page: '$0.09 per read capacity unit-month' = 0.00013 x 730."),
            freeWcu: fig(25, "WCU always free per account and region (provisioned only)", SOURCES.dynamoPricing),
            freeRcu: fig(25, "RCU always free per account and region (provisioned only)", SOURCES.dynamoPricing),
        },
        storage: {
            perGbMonth: fig(0.25, "USD per GB-month (Standard table class)", SOURCES.dynamoPricing, true, "'The first 25 GB consumed per month is free, and prices start from $0.25 per GB-month'."),
            freeGb: fig(25, "GB-month free per account and region", SOURCES.dynamoPricing),
        },
        standardIa: {
            storageMultiplier: fig(0.4, "x Standard storage price (60% cheaper)", SOURCES.dynamoStandardIa, true, "Third-party: saving = 60% of storage cost minus 25% of read/write cost."),
            requestMultiplier: fig(1.25, "x Standard request price (25% dearer)", SOURCES.dynamoStandardIa, true, "Third-party, as above."),
        },
        units: {
            writeUnitBytes: fig(1024, "bytes per write unit (rounded up per item)", SOURCES.dynamoOnDemand),
            readUnitBytes: fig(4096, "bytes per strongly consistent read unit (eventual = half)", SOURCES.dynamoOnDemand),
            batchWriteMaxItems: fig(25, "items per BatchWriteItem call, each billed as its own PutItem", SOURCES.dynamoBatchWrite, false),
        },
        pitrPerGbMonth: billFig(0.2, "USD per GB-month of table size (point-in-time recovery, an option)", SOURCES.dynamoPitr, "$0.20 per GB-month in every dated copy found (us-east-1); AWS bills PITR on the table's size, data and local indexes, whatever the recovery period."),
        storageOverheadBytesPerItem: billFig(100, "bytes of storage billed per item besides its attributes", SOURCES.dynamoItemOverhead, "AWS developer guide, item sizes: 100 bytes of overhead per item for indexing (global tables add 48 more; not used here)."),
        quotas: {
            tableWriteUnitsPerSec: fig(40_000, "write units per second per on-demand table (default quota)", SOURCES.dynamoQuotas),
            tableReadUnitsPerSec: fig(40_000, "read units per second per on-demand table (default quota)", SOURCES.dynamoQuotas),
        },
    },
    upstash: {
        payg: {
            per100kCommands: fig(0.2, "USD per 100,000 commands (every pipelined/transaction/script command)", upstashPayg),
            storagePerGbMonth: fig(0.25, "USD per GB-month of data", upstashPayg),
            freeStorageGb: fig(1, "GB of data free per database", upstashPayg),
            freeBandwidthGb: fig(200, "GB of bandwidth free per month", upstashPayg),
            bandwidthPerGb: fig(0.03, "USD per GB of bandwidth beyond the free 200 GB", upstashPayg),
            maxDataBytes: fig(100 * GB, "bytes (max data size)", upstashPayg),
            maxCommandsPerSec: fig(10_000, "commands per second (max)", upstashPayg),
            maxRequestBytes: fig(10 * MB, "bytes (max request size)", SOURCES.upstashPricing),
            freeDatabases: fig(10, "databases free per account", upstashPayg),
            perExtraDatabase: fig(0.5, "USD per month per database beyond 10", upstashPayg),
        },
        fixedPlans: UPSTASH_FIXED_PLANS,
        prodPackPerDatabase: billFig(200, "USD per month per database (Prod Pack add-on: uptime SLA, multi-zone, encryption at rest)", SOURCES.upstashProdPack, "Upstash's production checklist: 'a $200/month add-on per database for all paid plans except Free tier'; the pricing page's Prod Pack card: '+$200/month per database'."),
        enterpriseCommandsPerSec: billFig(100_000, "commands per second from which Upstash sells Enterprise (custom price)", SOURCES.upstashEnterprise, "Enterprise card of the pricing page: '100K+ commands per second', 'Unlimited bandwidth and database count'; no published price."),
    },
    elasticache: {
        nodes: [
            node("cache.t4g.micro", 0.016, 0.5),
            node("cache.t4g.small", 0.032, 1.37),
            node("cache.t3.small", 0.034, 1.37),
            node("cache.r6g.large", 0.206, 13.07),
        ],
        reachableFromEdge: false,
        vpcOnly: fig(1, "1 = reachable only from inside an Amazon VPC", SOURCES.elastiCacheVpc),
    },
    workers: {
        baseMonthly: fig(5, "USD per month (Workers Paid minimum, per account)", SOURCES.workersPricing),
        includedRequests: fig(10_000_000, "requests included per month", SOURCES.workersPricing),
        perMillionRequests: fig(0.3, "USD per additional million requests", SOURCES.workersPricing),
        includedCpuMs: fig(30_000_000, "CPU milliseconds included per month", SOURCES.workersPricing),
        perMillionCpuMs: fig(0.02, "USD per additional million CPU milliseconds", SOURCES.workersPricing),
        cronInvocationRequests: fig(1, "requests billed per Cron Trigger invocation", SOURCES.workersPricing, true, "Pricing example 3: an hourly cron = 720 requests/month."),
    },
    durableObjects: {
        includedRequests: doFig(1_000_000, "Durable Objects requests included per month (Workers Paid)", SOURCES.durableObjectsPricing, "Table: 'Requests ... 1 million, + $0.15/million. Includes HTTP requests, RPC sessions, WebSocket messages, and alarm invocations'."),
        perMillionRequests: doFig(0.15, "USD per additional million Durable Objects requests", SOURCES.durableObjectsPricing, "Same table; footnote 2: 'A request is needed to create a WebSocket connection. There is no charge for outgoing WebSocket messages'."),
        webSocketMessagesPerRequest: doFig(20, "incoming WebSocket messages billed as one request", SOURCES.durableObjectsWebSocketRatio, "'100 WebSocket incoming messages would be charged as 5 requests'."),
        includedGbSeconds: doFig(400_000, "GB-s of duration included per month (Workers Paid)", SOURCES.durableObjectsPricing, "Table: 'Duration ... 400,000 GB-s, + $12.50/million GB-s'."),
        perMillionGbSeconds: doFig(12.5, "USD per additional million GB-s of duration", SOURCES.durableObjectsPricing, "Same table. Duration is wall-clock time while active; a hibernatable idle object is not billed."),
        billedMemoryGb: doFig(0.128, "GB of memory duration is billed at per object (128 MB)", SOURCES.durableObjectsPricing, "Footnote 5: 'Duration billing charges for the 128 MB of memory your Durable Object is allocated, regardless of actual usage'; examples multiply by 128 MB / 1 GB."),
        maxRequestsPerSecPerObject: doFig(1_000, "requests per second per object (soft limit)", SOURCES.durableObjectsLimits, "'An individual Object has a soft limit of 1,000 requests per second', quoted with the page's date (2026-06-01, 2026-08-06) by third-party notes found in the search corpus.", false),
    },
    workersLogs: {
        includedIngestGb: billFig(50, "GB of log ingestion included per billing cycle (Workers Paid, per account)", SOURCES.observabilityPricing, "Plans table, Paid: '50 GB per billing cycle'. Until 2026-12-01 Workers Logs was billed per event (20 million included, $0.60 per million beyond)."),
        perIngestGb: billFig(0.25, "USD per GB of log ingestion beyond the included", SOURCES.observabilityPricing, "Plans table, Paid, additional ingestion: '$0.25 per GB'; ingestion counts the event body and its enriched and custom attributes, before compression."),
        includedStorageGbMonths: billFig(12, "GB-months of log storage included per billing cycle", SOURCES.observabilityPricing, "Plans table, Paid: '12 GB-month per billing cycle'; GB-month = sum of each day's maximum queryable GB / 30."),
        perStorageGbMonth: billFig(0.1, "USD per GB-month of log storage beyond the included", SOURCES.observabilityPricing, "Plans table, Paid, additional storage: '$0.10 per GB-month'."),
        retentionDays: billFig(7, "days a Workers log event stays queryable", SOURCES.observabilityDatasets, "Datasets table, Workers: default retention 7 days."),
        bytesPerWorkersEvent: billFig(4840, "bytes per Workers log event as ingested (average)", SOURCES.observabilityDatasets, "Datasets table, Workers: average event size 4.84 KB ('Event sizes are estimates and vary by record'); taken as 4,840 bytes."),
    },
    transfer: {
        awsFreeGb: fig(100, "GB per month of AWS data transfer out free", SOURCES.awsTransfer, true, "Third-party copies of the AWS page."),
        awsPerGb: fig(0.09, "USD per GB out to the internet (first 10 TB)", SOURCES.awsTransfer, true, "Third-party copies of the AWS page."),
    },
};
