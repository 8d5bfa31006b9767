/**
 * Choosing Upstash fixed plans: one database of the cheapest plan that holds the data, carries
 * the monthly bandwidth and serves the peak command rate; when none does, the cheapest set of
 * databases of one plan that does, each carrying an even share.
 */
import { MAX_REDIS_DATABASES } from "../config.js";
import { MAX_STAGE_DATABASES } from "../stage.js";
/** The default of {@link PlanSetOptions.maxDatabases}: what the configuration accepts. */
export const MAX_DATABASES = MAX_REDIS_DATABASES;
const BINDING_SHARE = 0.8;
const DIMENSIONS = [
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
export function databasesNeeded(plan, r) {
    if (r.largestRequestBytes > plan.maxRequestBytes.value)
        return Number.POSITIVE_INFINITY;
    const perDimension = DIMENSIONS.map((d) => Math.ceil(d.need(r) / d.cap(plan)));
    return Math.max(1, ...perDimension);
}
/**
 * The plan a buyer would pick for `r`. One database of the cheapest plan that fits it, when
 * there is one: one database needs no stage spread over several and no more than one Prod Pack.
 * Otherwise the cheapest set of N databases of one plan (N <= `evenShareDatabases`, else
 * N <= `maxDatabases`), each carrying 1/N of the data, bandwidth and rate (stages spread
 * evenly; rendezvous hashing treats every database alike, so a set is of one plan). Ties go to
 * fewer databases. `plans` must be non-empty.
 */
export function selectFixedPlan(plans, r, options = {}) {
    const maxDatabases = options.maxDatabases ?? MAX_DATABASES;
    const extra = options.extraPerDatabaseUsd ?? 0;
    const byPrice = [...plans].sort((a, b) => a.monthly.value - b.monthly.value);
    if (byPrice.length === 0)
        throw new RangeError("No Upstash fixed plans in the catalogue");
    const sets = byPrice
        .map((plan) => ({ plan, databases: databasesNeeded(plan, r) }))
        .filter((s) => Number.isFinite(s.databases));
    if (sets.length === 0) {
        throw new RangeError(`No Upstash fixed plan accepts a ${r.largestRequestBytes}-byte request`);
    }
    const cost = (s) => s.databases * (s.plan.monthly.value + extra);
    const cheapestFirst = (a, b) => cost(a) - cost(b) || a.databases - b.databases;
    const single = sets.find((s) => s.databases === 1);
    const upTo = (most) => sets.filter((s) => s.databases <= most).sort(cheapestFirst)[0];
    const fewest = [...sets].sort((a, b) => a.databases - b.databases || cheapestFirst(a, b))[0];
    const evenShare = Math.min(options.evenShareDatabases ?? MAX_STAGE_DATABASES, maxDatabases);
    const chosen = single ?? upTo(evenShare) ?? upTo(maxDatabases) ?? fewest;
    return {
        plan: chosen.plan,
        databases: chosen.databases,
        monthlyUsd: cost(chosen),
        limits: planLimits(chosen.plan, r, chosen.databases),
        decidedBy: decidingLimits(chosen.plan, chosen.databases, byPrice, r),
        fits: chosen.databases <= maxDatabases,
    };
}
/**
 * The cheapest set of databases that fits `r` (several cheap databases may cost less than one
 * large one, at the price of spreading every stage over them), at most as many as a stage can
 * spread over, or undefined when it is `choice` itself.
 */
export function cheaperSet(plans, r, choice, maxDatabases = MAX_STAGE_DATABASES) {
    const best = plans
        .map((plan) => ({ plan, databases: databasesNeeded(plan, r) }))
        .filter((s) => s.databases <= maxDatabases)
        .map((s) => ({ ...s, monthlyUsd: s.databases * s.plan.monthly.value }))
        .sort((a, b) => a.monthlyUsd - b.monthlyUsd || a.databases - b.databases)[0];
    const choiceUsd = choice.databases * choice.plan.monthly.value;
    return best !== undefined && best.monthlyUsd < choiceUsd ? best : undefined;
}
function decidingLimits(plan, databases, byPrice, r) {
    if (databases > 1) {
        return DIMENSIONS.filter((d) => Math.ceil(d.need(r) / d.cap(plan)) === databases).map((d) => d.name);
    }
    const cheaper = byPrice.filter((p) => p.monthly.value < plan.monthly.value);
    return DIMENSIONS.filter((d) => cheaper.some((p) => d.need(r) > d.cap(p))).map((d) => d.name);
}
function planLimits(plan, r, databases) {
    const limits = DIMENSIONS.map((d) => {
        // Each database carries its share of data, bandwidth and rate.
        const used = d.need(r) / databases;
        const limit = d.cap(plan);
        const status = used > limit ? "exceeded" : used >= BINDING_SHARE * limit ? "binding" : "ok";
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
