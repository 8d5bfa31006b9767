/** Shapes of the cost model's results. All money is USD per month. */
export const ARCHITECTURE_IDS = [
    "dynamodb-on-demand",
    "dynamodb-provisioned",
    "batched-heartbeat-writes",
    "redis-only",
    "redis-only-fixed",
    "redis-snapshots-payg",
    "redis-snapshots-fixed",
    "websocket-shards-snapshots",
    "elasticache-snapshots",
    "durable-objects-snapshots",
];
export const TIER_NAMES = [
    "edge",
    "objects",
    "logs",
    "redis",
    "dynamoWrites",
    "dynamoReads",
    "dynamoStorage",
    "transfer",
];
