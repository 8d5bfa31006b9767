/**
 * Architectures with a Redis hot tier: Upstash alone, Upstash (pay-as-you-go or a fixed plan)
 * plus the sync job's DynamoDB snapshots (this system), and ElastiCache for reference.
 */
import { historyTiers } from "./history-tiers";
import { fixedBill, type HotTier, hotCounts, hotTier, paygBill, type RedisBill } from "./hot-tier";
import type { ModelInput, ModelOutput } from "./model-kit";
import { EDGE_NOTE, edgeCounts, limit } from "./model-kit";
import { workerTiers } from "./worker-tiers";

/** Share of an ElastiCache node's memory usable for data (about 25% is reserved). */
const ELASTICACHE_USABLE_MEMORY = 0.75;
const BYTES_PER_GIB = 2 ** 30;

const NO_HISTORY_NOTE =
  "No history: a Redis data loss loses every count, and there is nothing to bill or analyse from.";

/** Prices Redis for the hot tier's traffic: Upstash's pay-as-you-go, a fixed plan, or a node. */
type PriceRedis = (hot: HotTier) => RedisBill;

/** The bill of presence alone in Upstash (no sync job, no DynamoDB), Redis priced by `priceRedis`. */
function presenceOnly(input: ModelInput, priceRedis: PriceRedis): ModelOutput {
  const hot = hotTier(input, false);
  const redis = priceRedis(hot);
  const { edge, logs, invocationLogs } = workerTiers(input);
  return {
    tiers: {
      edge: edge.cost,
      objects: 0,
      logs: logs.cost,
      redis: redis.cost,
      dynamoWrites: 0,
      dynamoReads: 0,
      dynamoStorage: 0,
      transfer: 0,
    },
    counts: { ...edgeCounts(input.u, edge, logs), ...hotCounts(hot) },
    limits: redis.limits,
    plan: redis.plan,
    notes: [EDGE_NOTE, ...redis.notes],
    options: [...redis.options, ...invocationLogs],
  };
}

/** The bill of this system (presence in Redis, history in DynamoDB), Redis priced by `priceRedis`. */
function hybrid(input: ModelInput, priceRedis: PriceRedis): ModelOutput {
  const hot = hotTier(input, true);
  const redis = priceRedis(hot);
  const history = historyTiers(input);
  const { edge, logs, invocationLogs } = workerTiers(input, {
    databases: redis.plan.databases,
    dashboardPolls: history.dashboard.polls,
  });
  return {
    tiers: { edge: edge.cost, objects: 0, logs: logs.cost, redis: redis.cost, ...history.tiers },
    counts: { ...edgeCounts(input.u, edge, logs), ...hotCounts(hot), ...history.counts },
    limits: redis.limits,
    plan: redis.plan,
    notes: [EDGE_NOTE, ...history.notes, ...redis.notes],
    options: [...redis.options, ...history.options, ...invocationLogs],
  };
}

/** Upstash pay-as-you-go holding presence only: no sync job, no history. */
export function redisOnly(input: ModelInput): ModelOutput {
  return presenceOnly(input, (hot) =>
    paygBill(input, hot, [
      "Upstash bills every command, pipelined or not: commands per heartbeat drive the Redis bill.",
      NO_HISTORY_NOTE,
    ]),
  );
}

/**
 * Presence in Upstash on the fixed plan a buyer would pick, and nothing else: the cheapest way
 * to count live viewers, and what the hybrid's DynamoDB tier must justify (history, billing
 * records, restore).
 */
export function redisOnlyFixed(input: ModelInput): ModelOutput {
  return presenceOnly(input, (hot) =>
    fixedBill(input, hot, [
      `${NO_HISTORY_NOTE} The hybrid's DynamoDB tier is what buys durable history, billing records and restore.`,
    ]),
  );
}

/** This system on Upstash pay-as-you-go. */
export function redisSnapshotsPayg(input: ModelInput): ModelOutput {
  return hybrid(input, (hot) =>
    paygBill(input, hot, ["Upstash bills every command (heartbeats and sync job alike)."]),
  );
}

/** This system on the Upstash fixed plan a buyer would pick (upstash-plans.ts). */
export function redisSnapshotsFixed(input: ModelInput): ModelOutput {
  return hybrid(input, (hot) => fixedBill(input, hot, []));
}

/** Reference only: one ElastiCache node (no replica) plus the same snapshots. */
export function elastiCacheSnapshots(input: ModelInput): ModelOutput {
  const { w, c } = input;
  const nodes = c.elasticache.nodes;
  const usable = (gib: number) => gib * BYTES_PER_GIB * ELASTICACHE_USABLE_MEMORY;
  return hybrid(input, (hot) => {
    const fitting = nodes.find((n) => usable(n.memoryGiB.value) >= hot.dataBytes);
    const node = fitting ?? nodes[nodes.length - 1]!;
    const count = fitting ? 1 : Math.ceil(hot.dataBytes / usable(node.memoryGiB.value));
    return {
      cost: count * node.hourly.value * w.hoursPerMonth,
      limits: [
        limit(
          `${node.type} usable memory`,
          hot.dataBytes / count,
          usable(node.memoryGiB.value),
          "bytes",
        ),
      ],
      plan: { name: node.type, databases: count },
      notes: [
        "UNUSABLE from an edge worker: ElastiCache nodes live only inside a VPC.",
        "A VPC-side API (Lambda or containers plus a load balancer) would be needed in front of it; not priced. The edge tier is shown as if it could connect.",
        `${count} x ${node.type} on demand, no replica, node prices unverified.`,
      ],
      options: [],
    };
  });
}
