import { measuredWorkload } from "./measured.js";
import { CURRENT_CATALOGUE } from "./prices.js";
import { edgeCost, upstashPaygCost } from "./tiers.js";
import { monthlyUsage } from "./usage.js";
/**
 * Hot-path monthly cost (USD) of `workload`: Workers plus Upstash PAYG commands only, for the
 * heartbeats sent (every tab's, with the client's jitter).
 */
export function hotPathMonthlyCost(workload, catalogue = CURRENT_CATALOGUE) {
    const { heartbeats } = monthlyUsage(workload);
    const edge = edgeCost(heartbeats, heartbeats * workload.workerCpuMsPerHeartbeat, catalogue);
    const redis = upstashPaygCost({
        commands: heartbeats * workload.redisCommandsPerHeartbeat,
        bandwidthBytes: 0,
        dataBytes: 0,
        databases: 1,
    }, catalogue);
    return edge + redis;
}
/**
 * On an Upstash fixed plan commands are not billed: pass `workload: { redisCommandsPerHeartbeat:
 * 0 }` to budget the Workers tier alone.
 *
 * The smallest interval >= `baseIntervalSec` (the base itself, or a whole number of seconds
 * up to `maxIntervalSec`) whose hot-path monthly cost is within budget; `maxIntervalSec` when
 * none is. Cost falls as the interval grows, so a binary search finds it.
 */
export function heartbeatIntervalForBudget(input) {
    const { viewers, monthlyBudgetUsd, baseIntervalSec, maxIntervalSec } = input;
    for (const [name, value] of Object.entries({
        viewers,
        monthlyBudgetUsd,
        baseIntervalSec,
        maxIntervalSec,
    })) {
        if (!Number.isFinite(value) || value < 0) {
            throw new RangeError(`${name} must be a finite number >= 0 (got ${String(value)})`);
        }
    }
    if (baseIntervalSec <= 0 || maxIntervalSec < baseIntervalSec) {
        throw new RangeError(`Need 0 < baseIntervalSec <= maxIntervalSec (got ${baseIntervalSec} and ${maxIntervalSec})`);
    }
    const catalogue = input.catalogue ?? CURRENT_CATALOGUE;
    const costAt = (intervalSec) => hotPathMonthlyCost(measuredWorkload({
        ...input.workload,
        viewers,
        heartbeatIntervalSec: intervalSec,
        presenceTtlSec: undefined,
    }), catalogue);
    const result = (intervalSec, cost) => ({
        intervalSec,
        hotPathMonthlyUsd: cost,
        withinBudget: cost <= monthlyBudgetUsd,
    });
    const baseCost = costAt(baseIntervalSec);
    if (baseCost <= monthlyBudgetUsd)
        return result(baseIntervalSec, baseCost);
    const maxCost = costAt(maxIntervalSec);
    if (maxCost > monthlyBudgetUsd)
        return result(maxIntervalSec, maxCost);
    // Candidates above the base are whole seconds, capped at the max (which fits).
    const candidate = (n) => Math.min(n, maxIntervalSec);
    let low = Math.floor(baseIntervalSec) + 1;
    let high = Math.ceil(maxIntervalSec);
    while (low < high) {
        const mid = Math.floor((low + high) / 2);
        if (costAt(candidate(mid)) <= monthlyBudgetUsd)
            high = mid;
        else
            low = mid + 1;
    }
    return result(candidate(high), costAt(candidate(high)));
}
