/**
 * The cost model of the viewer-presence system, usable on its own: a dated price catalogue
 * with sources, a workload with documented defaults, monthly bills per tier for each
 * architecture, the seed document's tables reproduced and corrected, a chart, and the
 * interval helper for cost-aware heartbeats. Pure: no I/O, no environment, no npm packages.
 */
export type { Architecture } from "./architectures";
export { ARCHITECTURES } from "./architectures";
export type { IntervalBudgetInput, IntervalBudgetResult } from "./budget";
export { heartbeatIntervalForBudget, hotPathMonthlyCost } from "./budget";
export { viewersPerDatabase } from "./capacity";
export { catalogueAsOf, onDemandPeriodOn, SEED_ERA_CATALOGUE } from "./catalogue-history";
export type {
  DynamoPrices,
  ElastiCacheNode,
  ElastiCachePrices,
  Figure,
  OnDemandPeriod,
  PriceCatalogue,
  TransferPrices,
  UpstashFixedPlan,
  UpstashPrices,
  WorkersLogsPrices,
  WorkersPrices,
} from "./catalogue-types";
export type { ChartSeries, CostChartOptions } from "./chart";
export { costChartSeries, costChartSvg } from "./chart";
export { compareArchitectures, estimateMonthlyCost } from "./estimate";
export {
  describeAssumptions,
  describeWorkload,
  formatComparison,
  formatLimit,
  formatQuantity,
  formatUsd,
} from "./format";
export { MEASUREMENTS, measuredWorkload, STEADY_STATE_HEARTBEAT } from "./measured";
export { CURRENT_CATALOGUE, ON_DEMAND_PERIODS, UPSTASH_FIXED_PLANS } from "./prices";
export { estimateRange, RANGE_MOVERS } from "./range";
export type { PureDynamoBill, SeedFigure, SeedRow } from "./seed-reproduction";
export {
  renderSeedTableMarkdown,
  SEED_ASSUMPTIONS,
  seedComparison,
  seedPureDynamoBill,
} from "./seed-reproduction";
export { BILL_LINES_READ_ON, READ_ON, SOURCES } from "./sources";
export type {
  ArchitectureId,
  CostEstimate,
  CostRange,
  LimitCheck,
  PricedOption,
  RangedCostEstimate,
  TierCosts,
  UsageCounts,
} from "./types";
export { ARCHITECTURE_IDS, TIER_NAMES } from "./types";
export type { PlanChoice, PlanRequirements } from "./upstash-plans";
export { cheaperSet, selectFixedPlan } from "./upstash-plans";
export type { MonthlyUsage } from "./usage";
export { monthlyUsage } from "./usage";
export type { Consistency, Workload } from "./workload";
export {
  ANONYMOUS_TOKEN_RENEW_SEC,
  defaultWorkload,
  PRESENCE_TTL_INTERVALS,
  packedItemBytes,
  validateWorkload,
  WorkloadError,
} from "./workload";
