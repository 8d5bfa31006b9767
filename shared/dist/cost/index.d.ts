/**
 * The cost model of the viewer-presence system, usable on its own: a dated price catalogue
 * with sources, a workload with documented defaults, monthly bills per tier for each
 * architecture, the seed document's tables reproduced and corrected, a chart, and the
 * interval helper for cost-aware heartbeats. Pure: no I/O, no environment, no npm packages.
 */
export type { Architecture } from "./architectures.js";
export { ARCHITECTURES } from "./architectures.js";
export type { IntervalBudgetInput, IntervalBudgetResult } from "./budget.js";
export { heartbeatIntervalForBudget, hotPathMonthlyCost } from "./budget.js";
export { viewersPerDatabase } from "./capacity.js";
export { catalogueAsOf, onDemandPeriodOn, SEED_ERA_CATALOGUE } from "./catalogue-history.js";
export type { DynamoPrices, ElastiCacheNode, ElastiCachePrices, Figure, OnDemandPeriod, PriceCatalogue, TransferPrices, UpstashFixedPlan, UpstashPrices, WorkersLogsPrices, WorkersPrices, } from "./catalogue-types.js";
export type { ChartSeries, CostChartOptions } from "./chart.js";
export { costChartSeries, costChartSvg } from "./chart.js";
export { compareArchitectures, estimateMonthlyCost } from "./estimate.js";
export { describeAssumptions, describeWorkload, formatComparison, formatLimit, formatQuantity, formatUsd, } from "./format.js";
export { MEASUREMENTS, measuredWorkload, STEADY_STATE_HEARTBEAT } from "./measured.js";
export { CURRENT_CATALOGUE, ON_DEMAND_PERIODS, UPSTASH_FIXED_PLANS } from "./prices.js";
export { estimateRange, RANGE_MOVERS } from "./range.js";
export type { PureDynamoBill, SeedFigure, SeedRow } from "./seed-reproduction.js";
export { renderSeedTableMarkdown, SEED_ASSUMPTIONS, seedComparison, seedPureDynamoBill, } from "./seed-reproduction.js";
export { BILL_LINES_READ_ON, READ_ON, SOURCES } from "./sources.js";
export type { ArchitectureId, CostEstimate, CostRange, LimitCheck, PricedOption, RangedCostEstimate, TierCosts, UsageCounts, } from "./types.js";
export { ARCHITECTURE_IDS, TIER_NAMES } from "./types.js";
export type { PlanChoice, PlanRequirements } from "./upstash-plans.js";
export { cheaperSet, selectFixedPlan } from "./upstash-plans.js";
export type { MonthlyUsage } from "./usage.js";
export { monthlyUsage } from "./usage.js";
export type { Consistency, Workload } from "./workload.js";
export { ANONYMOUS_TOKEN_RENEW_SEC, defaultWorkload, PRESENCE_TTL_INTERVALS, packedItemBytes, validateWorkload, WorkloadError, } from "./workload.js";
