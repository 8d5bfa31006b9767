import { type ModelInput } from "./model-kit.js";
import type { LimitCheck, PricedOption, UsageCounts } from "./types.js";
export interface HotTier {
    commands: number;
    bandwidthBytes: number;
    /** Held at the peak. */
    dataBytes: number;
    peakCommandsPerSec: number;
}
/** The Redis bill of an architecture, with what a reader needs to know about it. */
export interface RedisBill {
    cost: number;
    limits: LimitCheck[];
    plan: {
        name: string;
        databases: number;
    };
    notes: string[];
    options: PricedOption[];
}
/** Upstash traffic: heartbeats and leaves, and the sync job's when it runs. */
export declare function hotTier(input: ModelInput, withSyncJob: boolean): HotTier;
export declare function hotCounts(hot: HotTier): Partial<UsageCounts>;
/** Upstash pay-as-you-go, spread over as many databases as the per-database limits require. */
export declare function paygBill(input: ModelInput, hot: HotTier, notes: string[]): RedisBill;
/** The fixed plans a buyer would pick for `hot`, with why, the Prod Pack and a cheaper set. */
export declare function fixedBill(input: ModelInput, hot: HotTier, notes: string[]): RedisBill;
