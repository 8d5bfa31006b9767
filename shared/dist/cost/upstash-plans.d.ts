import type { UpstashFixedPlan } from "./catalogue-types.js";
import type { LimitCheck } from "./types.js";
export interface PlanRequirements {
    dataBytes: number;
    monthlyBandwidthBytes: number;
    peakCommandsPerSec: number;
    /** Largest single request (a heartbeat pipeline), bytes. */
    largestRequestBytes: number;
}
export interface PlanSetOptions {
    /**
     * Most databases the deployment can use. Default MAX_REDIS_DATABASES (shared/config.ts:
     * 256).
     */
    maxDatabases?: number;
    /**
     * Most databases a stage spreads over, so that every stage can take an even share of each
     * (MAX_STAGE_DATABASES in shared/stage.ts: 64, the default). Sets up to this size are
     * preferred; larger ones (up to `maxDatabases`) only when none fits, their evenness then
     * resting on many stages placed whole or over part of the databases.
     */
    evenShareDatabases?: number;
    /** USD per month added to each database (e.g. Upstash's Prod Pack). Default 0. */
    extraPerDatabaseUsd?: number;
}
export interface PlanChoice {
    plan: UpstashFixedPlan;
    /** Databases of `plan` (1 unless no single database of any plan carries the load). */
    databases: number;
    /** What they cost a month: databases x (plan + extra per database), USD. */
    monthlyUsd: number;
    /** Each limit against one database's share. */
    limits: LimitCheck[];
    /**
     * The limits that decided the choice: those a cheaper plan's single database could not meet,
     * or, for several databases, those that set how many. Empty when the cheapest plan fits.
     */
    decidedBy: string[];
    /** False when no set of at most `maxDatabases` databases fits (priced on the fewest anyway). */
    fits: boolean;
}
/** The default of {@link PlanSetOptions.maxDatabases}: what the configuration accepts. */
export declare const MAX_DATABASES = 256;
/** Databases of `plan` needed for `r`; Infinity when a single request cannot fit at all. */
export declare function databasesNeeded(plan: UpstashFixedPlan, r: PlanRequirements): number;
/**
 * The plan a buyer would pick for `r`. One database of the cheapest plan that fits it, when
 * there is one: one database needs no stage spread over several and no more than one Prod Pack.
 * Otherwise the cheapest set of N databases of one plan (N <= `evenShareDatabases`, else
 * N <= `maxDatabases`), each carrying 1/N of the data, bandwidth and rate (stages spread
 * evenly; rendezvous hashing treats every database alike, so a set is of one plan). Ties go to
 * fewer databases. `plans` must be non-empty.
 */
export declare function selectFixedPlan(plans: readonly UpstashFixedPlan[], r: PlanRequirements, options?: PlanSetOptions): PlanChoice;
/**
 * The cheapest set of databases that fits `r` (several cheap databases may cost less than one
 * large one, at the price of spreading every stage over them), at most as many as a stage can
 * spread over, or undefined when it is `choice` itself.
 */
export declare function cheaperSet(plans: readonly UpstashFixedPlan[], r: PlanRequirements, choice: PlanChoice, maxDatabases?: number): {
    plan: UpstashFixedPlan;
    databases: number;
    monthlyUsd: number;
} | undefined;
