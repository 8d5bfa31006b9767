/**
 * Price formulas, one per billed item: quantities in, monthly dollars out. Free allowances are
 * applied here (Workers' included usage, DynamoDB's 25 GB and 25 WCU/RCU, Upstash's free
 * storage and bandwidth, AWS's 100 GB out); they are per account, so a bill shared with other
 * services uses them up sooner.
 */
import type { PriceCatalogue } from "./catalogue-types.js";
export declare const BYTES_PER_GB = 1000000000;
/** Workers Paid: the monthly minimum plus requests and CPU time beyond the included ones. */
export declare function edgeCost(requests: number, cpuMs: number, c: PriceCatalogue): number;
/**
 * Workers Logs as Cloudflare Observability bills it (since 2026-12-01): GB ingested beyond the
 * included 50 GB, and GB-months stored beyond the included 12. Each event stays queryable for
 * the retention (7 days), so a month holds that many days of it: GB-months = ingested GB x
 * retention days / 30 (the page's "sum of each day's maximum queryable GB / 30").
 */
export declare function workersLogsCost(events: number, hoursPerMonth: number, c: PriceCatalogue): {
    cost: number;
    ingestGb: number;
    storageGbMonths: number;
};
/** Upstash pay-as-you-go: every command, data beyond 1 GB, bandwidth beyond 200 GB, databases. */
export declare function upstashPaygCost(usage: {
    commands: number;
    bandwidthBytes: number;
    dataBytes: number;
    databases: number;
}, c: PriceCatalogue): number;
export declare function onDemandWriteCost(writeUnits: number, c: PriceCatalogue): number;
export declare function onDemandReadCost(readUnits: number, c: PriceCatalogue): number;
/** Provisioned capacity held all month, after the always-free 25 WCU / 25 RCU. */
export declare function provisionedCost(wcu: number, rcu: number, hours: number, c: PriceCatalogue): {
    writes: number;
    reads: number;
};
/** DynamoDB point-in-time recovery on tables of `bytes` (no free allowance). */
export declare function dynamoPitrCost(bytes: number, c: PriceCatalogue): number;
/** DynamoDB Standard storage beyond the free 25 GB. */
export declare function dynamoStorageCost(bytes: number, c: PriceCatalogue): number;
/**
 * AWS data transfer out to the internet beyond the free 100 GB, all at the first-10-TB rate
 * (later tiers are a little cheaper, so this overstates very large volumes slightly).
 */
export declare function awsTransferCost(bytes: number, c: PriceCatalogue): number;
