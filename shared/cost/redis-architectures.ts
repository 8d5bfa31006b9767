/**
 * Architectures with a Redis hot tier: Upstash alone, Upstash (pay-as-you-go or a fixed plan)
 * plus the sync job's DynamoDB snapshots (this system), and ElastiCache for reference.
 */
import {
  baseCounts,
  EDGE_NOTE,
  edgeTier,
  limit,
  type ModelInput,
  type ModelOutput,
  peakPerSec,
} from "./model-kit";
import {
  awsTransferCost,
  BYTES_PER_GB,
  dynamoStorageCost,
  onDemandReadCost,
  onDemandWriteCost,
  upstashPaygCost,
} from "./tiers";
import type { LimitCheck, TierCosts, UsageCounts } from "./types";
import { selectFixedPlan } from "./upstash-plans";
import { dashboardLoad, monthlyUsage, snapshotWrites } from "./usage";

const BYTES_PER_MB = 1e6;
/** Share of an ElastiCache node's memory usable for data (about 25% is reserved). */
const ELASTICACHE_USABLE_MEMORY = 0.75;
const BYTES_PER_GIB = 2 ** 30;

interface HotTier {
  commands: number;
  bandwidthBytes: number;
  dataBytes: number;
  peakCommandsPerSec: number;
}

function hotTier(input: ModelInput, withSyncJob: boolean): HotTier {
  const { u } = input;
  const commands = u.heartbeatCommands + (withSyncJob ? u.syncCommands : 0);
  return {
    commands,
    bandwidthBytes: u.heartbeatBandwidthBytes + (withSyncJob ? u.syncBandwidthBytes : 0),
    // Measured with a closed window awaiting sync; without the job the open one alone is held
    // (179 B against 186 B a viewer, redis-memory.ts), too close to model apart.
    dataBytes: u.redisDataBytes,
    peakCommandsPerSec: peakPerSec(commands, input),
  };
}

function hotCounts(hot: HotTier): Partial<UsageCounts> {
  return {
    redisCommands: hot.commands,
    redisBandwidthGb: hot.bandwidthBytes / BYTES_PER_GB,
    redisDataMb: hot.dataBytes / BYTES_PER_MB,
    redisPeakCommandsPerSec: hot.peakCommandsPerSec,
  };
}

/** Upstash pay-as-you-go, spread over as many databases as the per-database limits require. */
function payg(hot: HotTier, input: ModelInput) {
  const p = input.c.upstash.payg;
  const databases = Math.max(
    1,
    Math.ceil(hot.peakCommandsPerSec / p.maxCommandsPerSec.value),
    Math.ceil(hot.dataBytes / p.maxDataBytes.value),
  );
  const cost = upstashPaygCost({ ...hot, databases }, input.c);
  const limits: LimitCheck[] = [
    limit(
      "Upstash PAYG commands/s at peak (one database)",
      hot.peakCommandsPerSec,
      p.maxCommandsPerSec.value,
      "commands/s",
    ),
    limit("Upstash PAYG data size (one database)", hot.dataBytes, p.maxDataBytes.value, "bytes"),
    limit(
      "Upstash max request size (heartbeat pipeline)",
      input.w.redisBytesPerHeartbeat,
      p.maxRequestBytes.value,
      "bytes",
    ),
  ];
  return { cost, databases, limits };
}

function shardNotes(databases: number, stages: number): string[] {
  if (databases <= 1) return [];
  const note = `One database is not enough: priced as ${databases} databases with stages spread over them (list them all in UPSTASH_REDIS_REST_URL and _TOKEN; rendezvous hashing places each stage).`;
  return databases > stages
    ? [
        `${note} There are more databases than stages (${stages}), and this system does not yet split one stage over several databases.`,
      ]
    : [note];
}

/** The sync job's DynamoDB side: snapshot items, packed viewing records, their storage. */
function snapshotTiers(input: ModelInput) {
  const { w, u, c } = input;
  const s = snapshotWrites(w, u, c.dynamodb);
  const outBytes = s.batchRequests * w.dynamoResponseOverheadBytes;
  const tiers: Pick<TierCosts, "dynamoWrites" | "dynamoStorage" | "transfer"> = {
    dynamoWrites: onDemandWriteCost(s.writeUnits, c),
    dynamoStorage: dynamoStorageCost(s.storedBytes, c),
    transfer: awsTransferCost(outBytes, c),
  };
  const counts: Partial<UsageCounts> = {
    dynamoWriteUnits: s.writeUnits,
    dynamoWriteRequests: s.batchRequests,
    dynamoStorageGb: s.storedBytes / BYTES_PER_GB,
    transferOutGb: outBytes / BYTES_PER_GB,
    syncRuns: u.syncRuns,
    snapshotItems: s.snapshotItems,
    viewingRecordItems: s.viewingItems,
  };
  const note = `Sync job every ${w.snapshotIntervalSec} s: one snapshot per stage, viewing records packed ${w.viewingRecordPackingFactor} to an item; records kept forever, storage priced at month ${w.historyMonths}.`;
  return { tiers, counts, note, outBytes };
}

/**
 * The DynamoDB side of every architecture that keeps history here: the sync job's writes and
 * storage, and the consoles reading it back (the history and stage routes).
 */
export function historyTiers(input: ModelInput) {
  const { w, u, c } = input;
  const snap = snapshotTiers(input);
  const dashboard = dashboardLoad(w, u, c.dynamodb);
  const outBytes = snap.outBytes + dashboard.outBytes;
  return {
    dashboard,
    tiers: {
      ...snap.tiers,
      dynamoReads: onDemandReadCost(dashboard.readUnits, c),
      transfer: awsTransferCost(outBytes, c),
    },
    counts: {
      ...snap.counts,
      dynamoReadUnits: dashboard.readUnits,
      dynamoReadRequests: dashboard.polls,
      transferOutGb: outBytes / BYTES_PER_GB,
    },
    notes: [
      snap.note,
      `DynamoDB is read by ${w.dashboards} console(s) open around the clock, polling every ${w.dashboardPollSec} s (${w.dashboardReadBytesPerPoll} B a poll: stages and a series), and by the restore after a Redis data loss (not priced: rare).`,
    ],
  };
}

const NO_HISTORY_NOTE =
  "No history: a Redis data loss loses every count, and there is nothing to bill or analyse from.";

/** The bill of presence alone in Upstash (no sync job, no DynamoDB), on a given Redis bill. */
function presenceOnly(
  input: ModelInput,
  hot: HotTier,
  redis: {
    cost: number;
    limits: LimitCheck[];
    plan: { name: string; databases: number };
    notes: string[];
  },
): ModelOutput {
  const edge = edgeTier(input, false);
  return {
    tiers: {
      edge: edge.cost,
      redis: redis.cost,
      dynamoWrites: 0,
      dynamoReads: 0,
      dynamoStorage: 0,
      transfer: 0,
    },
    counts: {
      ...baseCounts(input.u),
      workerRequests: edge.requests,
      workerCpuMs: edge.cpuMs,
      ...hotCounts(hot),
    },
    limits: redis.limits,
    plan: redis.plan,
    notes: [EDGE_NOTE, ...redis.notes, ...shardNotes(redis.plan.databases, input.w.stages)],
  };
}

/** The cheapest Upstash fixed plan (and how many databases of it) whose limits fit `hot`. */
function cheapestFixedPlan(input: ModelInput, hot: HotTier) {
  const choice = selectFixedPlan(input.c.upstash.fixedPlans, {
    dataBytes: hot.dataBytes,
    monthlyBandwidthBytes: hot.bandwidthBytes,
    peakCommandsPerSec: hot.peakCommandsPerSec,
    largestRequestBytes: input.w.redisBytesPerHeartbeat,
  });
  return {
    choice,
    note: `Cheapest fitting plan: ${choice.databases} x ${choice.plan.name} ($${choice.plan.monthly.value}/month each); commands are not billed.`,
  };
}

/** Upstash pay-as-you-go holding presence only: no sync job, no history. */
export function redisOnly(input: ModelInput): ModelOutput {
  const hot = hotTier(input, false);
  const upstash = payg(hot, input);
  return presenceOnly(input, hot, {
    cost: upstash.cost,
    limits: upstash.limits,
    plan: { name: "Upstash pay-as-you-go", databases: upstash.databases },
    notes: [
      "Upstash bills every command, pipelined or not: commands per heartbeat drive the Redis bill.",
      NO_HISTORY_NOTE,
    ],
  });
}

/**
 * Presence in Upstash on the cheapest fixed plan that fits, and nothing else: the cheapest
 * way to count live viewers, and what the hybrid's DynamoDB tier must justify (history,
 * billing records, restore).
 */
export function redisOnlyFixed(input: ModelInput): ModelOutput {
  const hot = hotTier(input, false);
  const { choice, note } = cheapestFixedPlan(input, hot);
  return presenceOnly(input, hot, {
    cost: choice.monthlyUsd,
    limits: choice.limits,
    plan: { name: choice.plan.name, databases: choice.databases },
    notes: [
      note,
      `${NO_HISTORY_NOTE} The hybrid's DynamoDB tier is what buys durable history, billing records and restore.`,
    ],
  });
}

function hybrid(
  input: ModelInput,
  redis: {
    cost: number;
    limits: LimitCheck[];
    plan: { name: string; databases: number };
    notes: string[];
  },
  hot: HotTier,
): ModelOutput {
  const history = historyTiers(input);
  const edge = edgeTier(input, true, history.dashboard.polls);
  return {
    tiers: { edge: edge.cost, redis: redis.cost, ...history.tiers },
    counts: {
      ...baseCounts(input.u),
      workerRequests: edge.requests,
      workerCpuMs: edge.cpuMs,
      ...hotCounts(hot),
      ...history.counts,
    },
    limits: redis.limits,
    plan: redis.plan,
    notes: [EDGE_NOTE, ...history.notes, ...redis.notes],
  };
}

/** This system on Upstash pay-as-you-go. */
export function redisSnapshotsPayg(input: ModelInput): ModelOutput {
  const hot = hotTier(input, true);
  const upstash = payg(hot, input);
  return hybrid(
    input,
    {
      cost: upstash.cost,
      limits: upstash.limits,
      plan: { name: "Upstash pay-as-you-go", databases: upstash.databases },
      notes: [
        "Upstash bills every command (heartbeats and sync job alike).",
        ...shardNotes(upstash.databases, input.w.stages),
      ],
    },
    hot,
  );
}

/**
 * What the fixed plan would be under the other reading of Upstash's bandwidth (bodies only, or
 * with HTTP headers): Upstash does not document which it meters, so the estimate shows both.
 */
function headerSensitivityNote(input: ModelInput, choice: { plan: { name: string } }): string[] {
  const { w } = input;
  if (w.redisHeaderBytesPerHeartbeat === 0) return [];
  const other = { ...w, redisBandwidthCountsHeaders: 1 - w.redisBandwidthCountsHeaders };
  const otherInput = { ...input, w: other, u: monthlyUsage(other) };
  const alt = cheapestFixedPlan(otherInput, hotTier(otherInput, true)).choice;
  const gb = (x: ModelInput) => hotTier(x, true).bandwidthBytes / BYTES_PER_GB;
  const counted = w.redisBandwidthCountsHeaders === 1;
  return [
    `Upstash does not document whether its bandwidth counts HTTP headers. ${counted ? "With" : "Bodies only"}: ${gb(input).toFixed(0)} GB a month, ${choice.plan.name}; ${counted ? "bodies only" : `with the ${w.redisHeaderBytesPerHeartbeat.toFixed(0)} B of headers a heartbeat measured locally`}: ${gb(otherInput).toFixed(0)} GB, ${alt.databases} x ${alt.plan.name} ($${alt.monthlyUsd}).`,
  ];
}

/** This system on the cheapest Upstash fixed plan whose size, bandwidth and rate limits fit. */
export function redisSnapshotsFixed(input: ModelInput): ModelOutput {
  const hot = hotTier(input, true);
  const { choice, note } = cheapestFixedPlan(input, hot);
  const binding = choice.limits.filter((l) => l.status !== "ok").map((l) => l.name);
  return hybrid(
    input,
    {
      cost: choice.monthlyUsd,
      limits: choice.limits,
      plan: { name: choice.plan.name, databases: choice.databases },
      notes: [
        note,
        binding.length > 0
          ? `Chosen because of: ${binding.join(", ")}.`
          : "The smallest plan fits every limit.",
        ...headerSensitivityNote(input, choice),
        ...shardNotes(choice.databases, input.w.stages),
      ],
    },
    hot,
  );
}

/** Reference only: one ElastiCache node (no replica) plus the same snapshots. */
export function elastiCacheSnapshots(input: ModelInput): ModelOutput {
  const { w, c } = input;
  const hot = hotTier(input, true);
  const nodes = c.elasticache.nodes;
  const usable = (gib: number) => gib * BYTES_PER_GIB * ELASTICACHE_USABLE_MEMORY;
  const fitting = nodes.find((n) => usable(n.memoryGiB.value) >= hot.dataBytes);
  const node = fitting ?? nodes[nodes.length - 1]!;
  const count = fitting ? 1 : Math.ceil(hot.dataBytes / usable(node.memoryGiB.value));
  const cost = count * node.hourly.value * w.hoursPerMonth;
  return hybrid(
    input,
    {
      cost,
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
    },
    hot,
  );
}
