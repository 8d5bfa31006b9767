/**
 * The price catalogue as data: us-east-1, USD, read on {@link READ_ON}. Each figure says where
 * it came from; `verified: false` marks figures only PRICES.md had (ElastiCache node prices).
 * Change prices here, never in the formulas.
 */
import type { OnDemandPeriod, PriceCatalogue, UpstashFixedPlan } from "./catalogue-types.js";
/** DynamoDB on-demand request prices, oldest first. The 1 Nov 2024 cut halved both. */
export declare const ON_DEMAND_PERIODS: readonly OnDemandPeriod[];
/** Upstash fixed plans, cheapest first (no per-command billing; +read regions not modelled). */
export declare const UPSTASH_FIXED_PLANS: readonly UpstashFixedPlan[];
/**
 * The current catalogue: prices in effect on {@link BILL_LINES_READ_ON}, the last day any of
 * them was read (the others on {@link READ_ON} and {@link DURABLE_OBJECTS_READ_ON}). Workers
 * Logs changed its pricing on 2026-12-01, so no earlier date would describe it.
 */
export declare const CURRENT_CATALOGUE: PriceCatalogue;
