/** The architectures the model compares, with what a reader needs to know about each. */
import { durableObjectsSnapshots } from "./durable-objects.js";
import { batchedHeartbeatWrites, dynamoOnDemand, dynamoProvisioned } from "./dynamo-architectures.js";
import { elastiCacheSnapshots, redisOnly, redisOnlyFixed, redisSnapshotsFixed, redisSnapshotsPayg, } from "./redis-architectures.js";
import { webSocketShardsSnapshots } from "./websocket-shards.js";
export const ARCHITECTURES = {
    "dynamodb-on-demand": {
        id: "dynamodb-on-demand",
        label: "DynamoDB on demand",
        description: "Every heartbeat a PutItem plus the count reads, on-demand billing (the seed's pure DynamoDB).",
        usableFromEdge: true,
        keepsHistory: false,
        model: dynamoOnDemand,
    },
    "dynamodb-provisioned": {
        id: "dynamodb-provisioned",
        label: "DynamoDB provisioned",
        description: "The same traffic on provisioned capacity sized to the steady rate at a utilisation target.",
        usableFromEdge: true,
        keepsHistory: false,
        model: dynamoProvisioned,
    },
    "batched-heartbeat-writes": {
        id: "batched-heartbeat-writes",
        label: "Batched heartbeat writes",
        description: "The seed's scheme 2: heartbeats buffered and written with BatchWriteItem, 25 a call.",
        usableFromEdge: true,
        keepsHistory: true,
        model: batchedHeartbeatWrites,
    },
    "redis-only": {
        id: "redis-only",
        label: "Upstash only (PAYG)",
        description: "Presence in Upstash Redis on pay-as-you-go; no sync job, no history.",
        usableFromEdge: true,
        keepsHistory: false,
        model: redisOnly,
    },
    "redis-only-fixed": {
        id: "redis-only-fixed",
        label: "Upstash only (fixed)",
        description: "Presence in Upstash Redis on the cheapest fixed plan that fits; no sync job, no history.",
        usableFromEdge: true,
        keepsHistory: false,
        model: redisOnlyFixed,
    },
    "redis-snapshots-payg": {
        id: "redis-snapshots-payg",
        label: "Upstash PAYG + snapshots",
        description: "This system: heartbeats in Upstash (pay-as-you-go), sync job to DynamoDB every 5 minutes.",
        usableFromEdge: true,
        keepsHistory: true,
        model: redisSnapshotsPayg,
    },
    "redis-snapshots-fixed": {
        id: "redis-snapshots-fixed",
        label: "Upstash fixed + snapshots",
        description: "This system on the cheapest Upstash fixed plan whose limits fit.",
        usableFromEdge: true,
        keepsHistory: true,
        model: redisSnapshotsFixed,
    },
    "websocket-shards-snapshots": {
        id: "websocket-shards-snapshots",
        label: "WebSockets + snapshots",
        description: "This system over its WebSocket transport: each tab holds a hibernatable WebSocket to a Durable Object shard of its stage, which writes its viewers to Upstash once a slot in the layout the sync job reads; history to DynamoDB as over HTTP.",
        usableFromEdge: true,
        keepsHistory: true,
        model: webSocketShardsSnapshots,
    },
    "elasticache-snapshots": {
        id: "elasticache-snapshots",
        label: "ElastiCache (ref.)",
        description: "Reference only: an ElastiCache node plus the same snapshots. Not reachable from an edge worker.",
        usableFromEdge: false,
        keepsHistory: true,
        model: elastiCacheSnapshots,
    },
    "durable-objects-snapshots": {
        id: "durable-objects-snapshots",
        label: "DO heartbeats (sketch)",
        description: "A sketch, not built: one Durable Object per stage holds presence, every heartbeat a WebSocket message (billed 20 to 1), history written to DynamoDB by the objects. The built WebSocket transport is `websocket-shards-snapshots`.",
        usableFromEdge: true,
        keepsHistory: true,
        model: durableObjectsSnapshots,
    },
};
