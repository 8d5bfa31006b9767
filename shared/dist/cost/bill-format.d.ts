import type { CostEstimate } from "./types.js";
import type { Workload } from "./workload.js";
/** This system's bill: lines, range, options and scale, as text lines. */
export declare function formatSystemBill(e: CostEstimate, w: Workload): string[];
