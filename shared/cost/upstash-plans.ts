/**
 * Choosing an Upstash fixed plan: the cheapest one whose single database holds the data,
 * carries the monthly bandwidth and serves the peak command rate.
 */
import type { UpstashFixedPlan } from "./catalogue-types";
import type { LimitCheck } from "./types";

export interface PlanRequirements {
  dataBytes: number;
  monthlyBandwidthBytes: number;
  peakCommandsPerSec: number;
  /** Largest single request (a heartbeat pipeline), bytes. */
  largestRequestBytes: number;
}

export interface PlanChoice {
  plan: UpstashFixedPlan;
  /** Databases of `plan` needed (1 unless even the largest plan cannot carry the load). */
  databases: number;
  monthlyUsd: number;
  limits: LimitCheck[];
}

const BINDING_SHARE = 0.8;

interface Dimension {
  name: string;
  unit: string;
  need: (r: PlanRequirements) => number;
  cap: (p: UpstashFixedPlan) => number;
}

const DIMENSIONS: readonly Dimension[] = [
  { name: "data size", unit: "bytes", need: (r) => r.dataBytes, cap: (p) => p.maxDataBytes.value },
  {
    name: "monthly bandwidth",
    unit: "bytes/month",
    need: (r) => r.monthlyBandwidthBytes,
    cap: (p) => p.monthlyBandwidthBytes.value,
  },
  {
    name: "peak commands per second",
    unit: "commands/s",
    need: (r) => r.peakCommandsPerSec,
    cap: (p) => p.maxCommandsPerSec.value,
  },
];

/** Databases of `plan` needed for `r`; Infinity when a single request cannot fit at all. */
export function databasesNeeded(plan: UpstashFixedPlan, r: PlanRequirements): number {
  if (r.largestRequestBytes > plan.maxRequestBytes.value) return Number.POSITIVE_INFINITY;
  const perDimension = DIMENSIONS.map((d) => Math.ceil(d.need(r) / d.cap(plan)));
  return Math.max(1, ...perDimension);
}

/**
 * The cheapest plan one database of which fits `r` (data, bandwidth, peak rate, request size).
 * When even the largest plan does not, as many databases of the largest plan as the worst
 * limit needs, with stages spread evenly over them (rendezvous hashing, UPSTASH_REDIS_REST_URL
 * listing them all): the limits are checked per database, each carrying its share. `plans`
 * must be non-empty.
 */
export function selectFixedPlan(
  plans: readonly UpstashFixedPlan[],
  r: PlanRequirements,
): PlanChoice {
  const byPrice = [...plans].sort((a, b) => a.monthly.value - b.monthly.value);
  const single = byPrice.find((p) => databasesNeeded(p, r) === 1);
  const largest = byPrice[byPrice.length - 1];
  if (largest === undefined) throw new RangeError("No Upstash fixed plans in the catalogue");
  const plan = single ?? largest;
  const databases = databasesNeeded(plan, r);
  if (!Number.isFinite(databases)) {
    throw new RangeError(`No Upstash fixed plan accepts a ${r.largestRequestBytes}-byte request`);
  }
  const cheaper = byPrice.filter((p) => p.monthly.value < plan.monthly.value);
  return {
    plan,
    databases,
    monthlyUsd: databases * plan.monthly.value,
    limits: planLimits(plan, r, cheaper, databases),
  };
}

function planLimits(
  plan: UpstashFixedPlan,
  r: PlanRequirements,
  cheaper: readonly UpstashFixedPlan[],
  databases: number,
): LimitCheck[] {
  const limits = DIMENSIONS.map((d): LimitCheck => {
    // Each database carries its share of data, bandwidth and rate.
    const used = d.need(r) / databases;
    const limit = d.cap(plan);
    const forcedUpgrade = cheaper.some((p) => used > d.cap(p));
    const status =
      used > limit ? "exceeded" : forcedUpgrade || used >= BINDING_SHARE * limit ? "binding" : "ok";
    return { name: `${plan.name} ${d.name}`, used, limit, unit: d.unit, status };
  });
  limits.push({
    name: `${plan.name} max request size`,
    used: r.largestRequestBytes,
    limit: plan.maxRequestBytes.value,
    unit: "bytes",
    status: r.largestRequestBytes > plan.maxRequestBytes.value ? "exceeded" : "ok",
  });
  return limits;
}
