import type { CostEstimate, LimitCheck } from "./types.js";
import type { Workload } from "./workload.js";
export { formatUsd } from "./text.js";
/** A quantity in the unit a person reads it in (bytes as MB/GB/TB). */
export declare function formatQuantity(value: number, unit: string): string;
export declare function formatLimit(l: LimitCheck): string;
/** The assumptions of a workload other than its viewer count, as one line. */
export declare function describeAssumptions(w: Workload): string;
/** One line describing the workload the table was priced for. */
export declare function describeWorkload(w: Workload): string;
/**
 * The comparison as text: what was priced, a table of architectures (whole dollars; `Limits`
 * counts those near (80 %+) or over), this system's bill with its range and options, then each
 * architecture's limits, notes and options.
 */
export declare function formatComparison(estimates: readonly CostEstimate[], workload: Workload): string;
