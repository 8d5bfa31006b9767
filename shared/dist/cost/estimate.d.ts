import type { PriceCatalogue } from "./catalogue-types.js";
import { type ArchitectureId, type CostEstimate, type RangedCostEstimate } from "./types.js";
import { type Workload } from "./workload.js";
/** Months at which every estimate also shows its storage (history is kept forever). */
export declare const STORAGE_MONTHS: readonly [1, 12, 36];
/**
 * Monthly cost (USD) of running `workload` on `architecture`, per tier, with the counts behind
 * it, the limits that bind and notes. Prices come from `catalogue` (default: the current one).
 * Throws a WorkloadError for unusable inputs and a RangeError for an unknown architecture.
 */
export declare function estimateMonthlyCost(workload: Workload, architecture: ArchitectureId, catalogue?: PriceCatalogue): CostEstimate;
/**
 * Every architecture priced for `workload`, in the order of {@link ARCHITECTURE_IDS}, each with
 * the range its total moves in (range.ts).
 */
export declare function compareArchitectures(workload: Workload, catalogue?: PriceCatalogue): RangedCostEstimate[];
