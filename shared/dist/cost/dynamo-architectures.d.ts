import { type ModelInput, type ModelOutput } from "./model-kit.js";
/** Every heartbeat a PutItem (overwriting the viewer's presence item) plus the count reads. */
export declare function dynamoOnDemand(input: ModelInput): ModelOutput;
/** The same traffic on provisioned capacity sized to the average rate at the utilisation target. */
export declare function dynamoProvisioned(input: ModelInput): ModelOutput;
/**
 * The seed's scheme 2: heartbeats buffered and written 25 to a BatchWriteItem call. DynamoDB
 * bills each item as its own PutItem, so the write units are exactly those of one PutItem per
 * heartbeat; only the number of requests (and response bytes) falls. The events are kept for
 * the audit period, which is what the scheme is for.
 */
export declare function batchedHeartbeatWrites(input: ModelInput): ModelOutput;
