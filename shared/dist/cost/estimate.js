/** The entry points: price one architecture, or all of them, for a workload. */
import { ARCHITECTURES } from "./architectures.js";
import { CURRENT_CATALOGUE } from "./prices.js";
import { estimateRange } from "./range.js";
import { ARCHITECTURE_IDS, TIER_NAMES, } from "./types.js";
import { monthlyUsage } from "./usage.js";
import { validateWorkload } from "./workload.js";
/** Months at which every estimate also shows its storage (history is kept forever). */
export const STORAGE_MONTHS = [1, 12, 36];
/**
 * Monthly cost (USD) of running `workload` on `architecture`, per tier, with the counts behind
 * it, the limits that bind and notes. Prices come from `catalogue` (default: the current one).
 * Throws a WorkloadError for unusable inputs and a RangeError for an unknown architecture.
 */
export function estimateMonthlyCost(workload, architecture, catalogue = CURRENT_CATALOGUE) {
    const arch = ARCHITECTURES[architecture];
    if (arch === undefined) {
        throw new RangeError(`Unknown architecture "${String(architecture)}"; expected one of ${ARCHITECTURE_IDS.join(", ")}`);
    }
    const w = validateWorkload(workload);
    const out = arch.model({ w, u: monthlyUsage(w), c: catalogue });
    const total = TIER_NAMES.reduce((sum, tier) => sum + out.tiers[tier], 0);
    const storageByMonth = STORAGE_MONTHS.map((month) => {
        const at = { ...w, historyMonths: month };
        const priced = arch.model({ w: at, u: monthlyUsage(at), c: catalogue });
        return { month, gb: priced.counts.dynamoStorageGb, usd: priced.tiers.dynamoStorage };
    });
    return {
        architecture,
        label: arch.label,
        usableFromEdge: arch.usableFromEdge,
        keepsHistory: arch.keepsHistory,
        tiers: out.tiers,
        total,
        counts: out.counts,
        limits: out.limits,
        ...(out.plan === undefined ? {} : { plan: out.plan }),
        notes: out.notes,
        options: out.options,
        storageByMonth,
        catalogueId: catalogue.id,
        pricesAsOf: catalogue.asOf,
    };
}
/**
 * Every architecture priced for `workload`, in the order of {@link ARCHITECTURE_IDS}, each with
 * the range its total moves in (range.ts).
 */
export function compareArchitectures(workload, catalogue = CURRENT_CATALOGUE) {
    return ARCHITECTURE_IDS.map((id) => ({
        ...estimateMonthlyCost(workload, id, catalogue),
        range: estimateRange(workload, (w) => estimateMonthlyCost(w, id, catalogue).total),
    }));
}
