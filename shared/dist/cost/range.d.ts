import type { CostRange } from "./types.js";
import type { Workload } from "./workload.js";
interface Mover {
    /** What it assumes, for a reader. */
    name: (w: Workload) => string;
    /** The workload with it moved, or undefined when it would not change it. */
    apply: (w: Workload) => Workload | undefined;
}
export declare const RANGE_MOVERS: readonly Mover[];
/**
 * The range of a monthly total (`total`, e.g. one architecture's) for `workload`: each mover
 * alone, then those that raise it together and those that lower it together; `low` and `high`
 * are the extremes.
 */
export declare function estimateRange(workload: Workload, total: (w: Workload) => number): CostRange;
export {};
