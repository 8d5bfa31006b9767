/**
 * Price formulas, one per billed item: quantities in, monthly dollars out. Free allowances are
 * applied here (Workers' and Durable Objects' included usage, DynamoDB's 25 GB and 25 WCU/RCU,
 * Upstash's free storage and bandwidth, AWS's 100 GB out); they are per account, so a bill shared
 * with other services uses them up sooner.
 */
import type { Figure, PriceCatalogue } from "./catalogue-types";

export const BYTES_PER_GB = 1e9;
const MILLION = 1e6;

const beyond = (used: number, included: number) => Math.max(0, used - included);

/** Dollars for `used` units priced per million beyond the `included` ones. */
function perMillionBeyond(used: number, included: Figure, perMillion: Figure): number {
  return (beyond(used, included.value) / MILLION) * perMillion.value;
}

/** Workers Paid: the monthly minimum plus requests and CPU time beyond the included ones. */
export function edgeCost(requests: number, cpuMs: number, c: PriceCatalogue): number {
  const w = c.workers;
  return (
    w.baseMonthly.value +
    perMillionBeyond(requests, w.includedRequests, w.perMillionRequests) +
    perMillionBeyond(cpuMs, w.includedCpuMs, w.perMillionCpuMs)
  );
}

/**
 * Workers Logs as Cloudflare Observability bills it (since 2026-12-01): GB ingested beyond the
 * included 50 GB, and GB-months stored beyond the included 12. Each event stays queryable for
 * the retention (7 days), so a month holds that many days of it: GB-months = ingested GB x
 * retention days / 30 (the page's "sum of each day's maximum queryable GB / 30").
 */
export function workersLogsCost(
  events: number,
  hoursPerMonth: number,
  c: PriceCatalogue,
): { cost: number; ingestGb: number; storageGbMonths: number } {
  const l = c.workersLogs;
  const ingestGb = (events * l.bytesPerWorkersEvent.value) / BYTES_PER_GB;
  const daysPerMonth = hoursPerMonth / 24;
  const keptDays = Math.min(l.retentionDays.value, daysPerMonth);
  const storageGbMonths = (ingestGb / daysPerMonth) * keptDays * (daysPerMonth / 30);
  const cost =
    beyond(ingestGb, l.includedIngestGb.value) * l.perIngestGb.value +
    beyond(storageGbMonths, l.includedStorageGbMonths.value) * l.perStorageGbMonth.value;
  return { cost, ingestGb, storageGbMonths };
}

/**
 * Durable Objects: compute (billed requests and GB-seconds of duration) and SQLite storage (rows
 * written and rows read), each beyond the included ones.
 */
export function durableObjectsCost(
  usage: { requests: number; gbSeconds: number; rowsWritten: number; rowsRead: number },
  c: PriceCatalogue,
): { compute: number; storage: number } {
  const d = c.durableObjects;
  return {
    compute:
      perMillionBeyond(usage.requests, d.includedRequests, d.perMillionRequests) +
      perMillionBeyond(usage.gbSeconds, d.includedGbSeconds, d.perMillionGbSeconds),
    storage:
      perMillionBeyond(usage.rowsWritten, d.includedRowsWritten, d.perMillionRowsWritten) +
      perMillionBeyond(usage.rowsRead, d.includedRowsRead, d.perMillionRowsRead),
  };
}

/** Upstash pay-as-you-go: every command, data beyond 1 GB, bandwidth beyond 200 GB, databases. */
export function upstashPaygCost(
  usage: { commands: number; bandwidthBytes: number; dataBytes: number; databases: number },
  c: PriceCatalogue,
): number {
  const p = c.upstash.payg;
  const storageGb = beyond(usage.dataBytes / BYTES_PER_GB, p.freeStorageGb.value);
  const bandwidthGb = beyond(usage.bandwidthBytes / BYTES_PER_GB, p.freeBandwidthGb.value);
  return (
    (usage.commands / 100_000) * p.per100kCommands.value +
    storageGb * p.storagePerGbMonth.value +
    bandwidthGb * p.bandwidthPerGb.value +
    beyond(usage.databases, p.freeDatabases.value) * p.perExtraDatabase.value
  );
}

export function onDemandWriteCost(writeUnits: number, c: PriceCatalogue): number {
  return (writeUnits / MILLION) * c.dynamodb.onDemand.writePerMillion.value;
}

export function onDemandReadCost(readUnits: number, c: PriceCatalogue): number {
  return (readUnits / MILLION) * c.dynamodb.onDemand.readPerMillion.value;
}

/** Provisioned capacity held all month, after the always-free 25 WCU / 25 RCU. */
export function provisionedCost(
  wcu: number,
  rcu: number,
  hours: number,
  c: PriceCatalogue,
): { writes: number; reads: number } {
  const p = c.dynamodb.provisioned;
  return {
    writes: beyond(wcu, p.freeWcu.value) * hours * p.wcuHour.value,
    reads: beyond(rcu, p.freeRcu.value) * hours * p.rcuHour.value,
  };
}

/** DynamoDB point-in-time recovery on tables of `bytes` (no free allowance). */
export function dynamoPitrCost(bytes: number, c: PriceCatalogue): number {
  return (bytes / BYTES_PER_GB) * c.dynamodb.pitrPerGbMonth.value;
}

/** DynamoDB Standard storage beyond the free 25 GB. */
export function dynamoStorageCost(bytes: number, c: PriceCatalogue): number {
  const s = c.dynamodb.storage;
  return beyond(bytes / BYTES_PER_GB, s.freeGb.value) * s.perGbMonth.value;
}

/**
 * AWS data transfer out to the internet beyond the free 100 GB, all at the first-10-TB rate
 * (later tiers are a little cheaper, so this overstates very large volumes slightly).
 */
export function awsTransferCost(bytes: number, c: PriceCatalogue): number {
  const t = c.transfer;
  return beyond(bytes / BYTES_PER_GB, t.awsFreeGb.value) * t.awsPerGb.value;
}
