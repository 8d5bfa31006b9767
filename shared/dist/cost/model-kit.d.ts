/** Building blocks shared by the architecture models: the edge tier, limits, empty counts. */
import type { PriceCatalogue } from "./catalogue-types.js";
import type { CostEstimate, LimitCheck, UsageCounts } from "./types.js";
import type { MonthlyUsage } from "./usage.js";
import type { Workload } from "./workload.js";
export interface ModelInput {
    w: Workload;
    u: MonthlyUsage;
    c: PriceCatalogue;
}
export type ModelOutput = Pick<CostEstimate, "tiers" | "counts" | "limits" | "notes" | "options"> & {
    plan?: CostEstimate["plan"];
};
export declare const BINDING_SHARE = 0.8;
export declare const EDGE_NOTE = "Edge tier included: every heartbeat is a Workers request (the seed left this out).";
/** A limit check: exceeded above the limit, binding at 80% of it or more. */
export declare function limit(name: string, used: number, cap: number, unit: string): LimitCheck;
export declare function baseCounts(u: MonthlyUsage): UsageCounts;
/**
 * Workers requests and CPU: one request per heartbeat, leave and anonymous token request, plus
 * one per sync run when the sync job runs as a Cron Trigger of the same account (cron
 * invocations are billed as requests), plus the consoles' polls of the history routes
 * (`dashboardPolls`, each one request). Leaves and token requests are charged a heartbeat's CPU.
 */
export declare function edgeTier({ w, u, c }: ModelInput, withSyncJob: boolean, dashboardPolls?: number): {
    cost: number;
    requests: number;
    cpuMs: number;
};
/** The sync job's CPU in a month: every viewer synced once a run while the audience watches. */
export declare function syncCpuMs({ w, u }: Pick<ModelInput, "w" | "u">): number;
/** The rate while live times the peak factor, per second. */
export declare function peakPerSec(perMonth: number, { w, u }: Pick<ModelInput, "w" | "u">): number;
/**
 * Workers Logs: an invocation log for the sampled share of `invocations` (none with invocation
 * logs off, as wrangler.toml has them), plus the lines the worker writes: one per sync run and
 * database (`syncDatabases`, 0 without a sync job).
 */
export declare function logsTier({ w, u, c }: ModelInput, invocations: number, syncDatabases: number): {
    cost: number;
    events: number;
    ingestGb: number;
    storageGbMonths: number;
};
