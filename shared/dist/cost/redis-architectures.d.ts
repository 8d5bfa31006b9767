import { type ModelInput, type ModelOutput } from "./model-kit.js";
/** Upstash pay-as-you-go holding presence only: no sync job, no history. */
export declare function redisOnly(input: ModelInput): ModelOutput;
/**
 * Presence in Upstash on the fixed plan a buyer would pick, and nothing else: the cheapest way
 * to count live viewers, and what the hybrid's DynamoDB tier must justify (history, billing
 * records, restore).
 */
export declare function redisOnlyFixed(input: ModelInput): ModelOutput;
/** This system on Upstash pay-as-you-go. */
export declare function redisSnapshotsPayg(input: ModelInput): ModelOutput;
/** This system on the Upstash fixed plan a buyer would pick (upstash-plans.ts). */
export declare function redisSnapshotsFixed(input: ModelInput): ModelOutput;
/** Reference only: one ElastiCache node (no replica) plus the same snapshots. */
export declare function elastiCacheSnapshots(input: ModelInput): ModelOutput;
