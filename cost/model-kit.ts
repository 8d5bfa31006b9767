/** Building blocks shared by the architecture models: the edge tier, limits, the first counts. */
import type { PriceCatalogue } from "./catalogue-types";
import { edgeCost, workersLogsCost } from "./tiers";
import type { CostEstimate, LimitCheck, UsageCounts } from "./types";
import type { MonthlyUsage } from "./usage";
import type { Workload } from "./workload";

export interface ModelInput {
  w: Workload;
  u: MonthlyUsage;
  c: PriceCatalogue;
}

export type ModelOutput = Pick<
  CostEstimate,
  "tiers" | "counts" | "limits" | "notes" | "options"
> & {
  plan?: CostEstimate["plan"];
};

export const BINDING_SHARE = 0.8;

export const EDGE_NOTE =
  "Edge tier included: every heartbeat is a Workers request (the seed left this out).";

/** A limit check: exceeded above the limit, binding at 80% of it or more. */
export function limit(name: string, used: number, cap: number, unit: string): LimitCheck {
  const status = used > cap ? "exceeded" : used >= BINDING_SHARE * cap ? "binding" : "ok";
  return { name, used, limit: cap, unit, status };
}

/**
 * The counts every architecture starts from: the month's heartbeats, the Workers requests and
 * CPU time (ms) it bills, and the Workers Logs events and GB ingested; every other count 0.
 */
export function edgeCounts(
  u: MonthlyUsage,
  worker: { requests: number; cpuMs: number },
  logs: { events: number; ingestGb: number },
): UsageCounts {
  return {
    heartbeats: u.heartbeats,
    workerRequests: worker.requests,
    workerCpuMs: worker.cpuMs,
    logEvents: logs.events,
    logIngestGb: logs.ingestGb,
    redisCommands: 0,
    redisBandwidthGb: 0,
    redisDataMb: 0,
    redisPeakCommandsPerSec: 0,
    objectRequests: 0,
    objectGbSeconds: 0,
    objectRowsWritten: 0,
    dynamoWriteUnits: 0,
    dynamoWriteRequests: 0,
    dynamoReadUnits: 0,
    dynamoReadRequests: 0,
    dynamoStorageGb: 0,
    provisionedWcu: 0,
    provisionedRcu: 0,
    transferOutGb: 0,
    syncRuns: 0,
    snapshotItems: 0,
    viewingRecordItems: 0,
  };
}

/**
 * Workers requests and CPU: one request per heartbeat, leave and anonymous token request, plus
 * one per sync run when the sync job runs as a Cron Trigger of the same account (cron
 * invocations are billed as requests), plus the consoles' polls of the history routes
 * (`dashboardPolls`, each one request). Leaves and token requests are charged a heartbeat's CPU.
 */
export function edgeTier(
  { w, u, c }: ModelInput,
  withSyncJob: boolean,
  dashboardPolls = 0,
): { cost: number; requests: number; cpuMs: number } {
  const cronRequests = withSyncJob ? u.syncRuns * c.workers.cronInvocationRequests.value : 0;
  const viewerRequests = u.heartbeats + u.leaves + u.tokenRequests;
  const requests = viewerRequests + cronRequests + dashboardPolls;
  const cpuMs =
    (viewerRequests + dashboardPolls) * w.workerCpuMsPerHeartbeat +
    (withSyncJob ? syncCpuMs({ w, u }) : 0);
  return { cost: edgeCost(requests, cpuMs, c), requests, cpuMs };
}

/** The sync job's CPU in a month: every viewer synced once a run while the audience watches. */
export function syncCpuMs({ w, u }: Pick<ModelInput, "w" | "u">): number {
  return u.liveSyncRuns * w.viewers * w.workerCpuMsPerSyncedViewer;
}

/** The rate while live times the peak factor, per second. */
export function peakPerSec(perMonth: number, { w, u }: Pick<ModelInput, "w" | "u">): number {
  return (perMonth / u.liveSecondsPerMonth) * w.peakToAverage;
}

/**
 * Workers Logs: an invocation log for the sampled share of `invocations` (none with invocation
 * logs off, as wrangler.toml has them), plus the lines the worker writes: one per sync run and
 * database (`syncDatabases`, 0 without a sync job).
 */
export function logsTier(
  { w, u, c }: ModelInput,
  invocations: number,
  syncDatabases: number,
): { cost: number; events: number; ingestGb: number; storageGbMonths: number } {
  const events = invocations * w.invocationLogSampling + u.syncRuns * syncDatabases;
  return { ...workersLogsCost(events, w.hoursPerMonth, c), events };
}
