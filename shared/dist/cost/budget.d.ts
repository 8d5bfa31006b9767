/**
 * Cost-aware heartbeats: the shortest heartbeat interval whose hot path (Workers requests and
 * CPU plus Upstash pay-as-you-go commands) fits a monthly budget. The worker can hand the
 * result to viewers as `nextHeartbeatInMs`.
 */
import type { PriceCatalogue } from "./catalogue-types.js";
import type { Workload } from "./workload.js";
export interface IntervalBudgetInput {
    /** Concurrent viewers. */
    viewers: number;
    /** What the hot path may cost per month, USD. */
    monthlyBudgetUsd: number;
    /** The interval to use when the budget allows it, s (e.g. 30). */
    baseIntervalSec: number;
    /** The longest interval the product accepts, s (e.g. 120). */
    maxIntervalSec: number;
    /**
     * Other workload inputs (commands and CPU per heartbeat, tabs, hours per month), over this
     * system's measured ones (measured.ts), as `npm run cost` and estimateCost use them.
     */
    workload?: Partial<Workload>;
    catalogue?: PriceCatalogue;
}
export interface IntervalBudgetResult {
    /** The interval to use, s: base, a longer whole number of seconds, or max. */
    intervalSec: number;
    /** Hot-path cost at that interval, USD/month. */
    hotPathMonthlyUsd: number;
    /** False when even the max interval is over budget. */
    withinBudget: boolean;
}
/**
 * Hot-path monthly cost (USD) of `workload`: Workers plus Upstash PAYG commands only, for the
 * heartbeats sent (every tab's, with the client's jitter).
 */
export declare function hotPathMonthlyCost(workload: Workload, catalogue?: PriceCatalogue): number;
/**
 * On an Upstash fixed plan commands are not billed: pass `workload: { redisCommandsPerHeartbeat:
 * 0 }` to budget the Workers tier alone.
 *
 * The smallest interval >= `baseIntervalSec` (the base itself, or a whole number of seconds
 * up to `maxIntervalSec`) whose hot-path monthly cost is within budget; `maxIntervalSec` when
 * none is. Cost falls as the interval grows, so a binary search finds it.
 */
export declare function heartbeatIntervalForBudget(input: IntervalBudgetInput): IntervalBudgetResult;
