import { type ModelInput, type ModelOutput } from "./model-kit.js";
/**
 * Seconds between a shard's reports of its count to its stage's first object, which sums them
 * (as each isolate here refreshes a stage's count every 10 s). An assumption of this sketch.
 */
export declare const SHARD_MERGE_SEC = 10;
/** Durable Objects monthly quantities: connections, billed requests, active seconds, shards. */
export declare function durableObjectUsage({ w, u, c }: ModelInput): {
    connections: number;
    messages: number;
    alarms: number;
    merges: number;
    shardsPerStage: number;
    objects: number;
    billedRequests: number;
    gbSeconds: number;
    peakMessagesPerSecPerObject: number;
};
export declare function durableObjectsSnapshots(input: ModelInput): ModelOutput;
