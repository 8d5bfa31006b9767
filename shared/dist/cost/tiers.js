export const BYTES_PER_GB = 1e9;
const MILLION = 1e6;
const beyond = (used, included) => Math.max(0, used - included);
/** Workers Paid: the monthly minimum plus requests and CPU time beyond the included ones. */
export function edgeCost(requests, cpuMs, c) {
    const w = c.workers;
    return (w.baseMonthly.value +
        (beyond(requests, w.includedRequests.value) / MILLION) * w.perMillionRequests.value +
        (beyond(cpuMs, w.includedCpuMs.value) / MILLION) * w.perMillionCpuMs.value);
}
/**
 * Workers Logs as Cloudflare Observability bills it (since 2026-12-01): GB ingested beyond the
 * included 50 GB, and GB-months stored beyond the included 12. Each event stays queryable for
 * the retention (7 days), so a month holds that many days of it: GB-months = ingested GB x
 * retention days / 30 (the page's "sum of each day's maximum queryable GB / 30").
 */
export function workersLogsCost(events, hoursPerMonth, c) {
    const l = c.workersLogs;
    const ingestGb = (events * l.bytesPerWorkersEvent.value) / BYTES_PER_GB;
    const daysPerMonth = hoursPerMonth / 24;
    const keptDays = Math.min(l.retentionDays.value, daysPerMonth);
    const storageGbMonths = (ingestGb / daysPerMonth) * keptDays * (daysPerMonth / 30);
    const cost = beyond(ingestGb, l.includedIngestGb.value) * l.perIngestGb.value +
        beyond(storageGbMonths, l.includedStorageGbMonths.value) * l.perStorageGbMonth.value;
    return { cost, ingestGb, storageGbMonths };
}
/** Upstash pay-as-you-go: every command, data beyond 1 GB, bandwidth beyond 200 GB, databases. */
export function upstashPaygCost(usage, c) {
    const p = c.upstash.payg;
    const storageGb = beyond(usage.dataBytes / BYTES_PER_GB, p.freeStorageGb.value);
    const bandwidthGb = beyond(usage.bandwidthBytes / BYTES_PER_GB, p.freeBandwidthGb.value);
    return ((usage.commands / 100_000) * p.per100kCommands.value +
        storageGb * p.storagePerGbMonth.value +
        bandwidthGb * p.bandwidthPerGb.value +
        beyond(usage.databases, p.freeDatabases.value) * p.perExtraDatabase.value);
}
export function onDemandWriteCost(writeUnits, c) {
    return (writeUnits / MILLION) * c.dynamodb.onDemand.writePerMillion.value;
}
export function onDemandReadCost(readUnits, c) {
    return (readUnits / MILLION) * c.dynamodb.onDemand.readPerMillion.value;
}
/** Provisioned capacity held all month, after the always-free 25 WCU / 25 RCU. */
export function provisionedCost(wcu, rcu, hours, c) {
    const p = c.dynamodb.provisioned;
    return {
        writes: beyond(wcu, p.freeWcu.value) * hours * p.wcuHour.value,
        reads: beyond(rcu, p.freeRcu.value) * hours * p.rcuHour.value,
    };
}
/** DynamoDB point-in-time recovery on tables of `bytes` (no free allowance). */
export function dynamoPitrCost(bytes, c) {
    return (bytes / BYTES_PER_GB) * c.dynamodb.pitrPerGbMonth.value;
}
/** DynamoDB Standard storage beyond the free 25 GB. */
export function dynamoStorageCost(bytes, c) {
    const s = c.dynamodb.storage;
    return beyond(bytes / BYTES_PER_GB, s.freeGb.value) * s.perGbMonth.value;
}
/**
 * AWS data transfer out to the internet beyond the free 100 GB, all at the first-10-TB rate
 * (later tiers are a little cheaper, so this overstates very large volumes slightly).
 */
export function awsTransferCost(bytes, c) {
    const t = c.transfer;
    return beyond(bytes / BYTES_PER_GB, t.awsFreeGb.value) * t.awsPerGb.value;
}
