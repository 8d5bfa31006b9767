/**
 * Catalogues for other dates. Only DynamoDB's on-demand prices have a recorded history (the
 * 1 Nov 2024 cut); every other figure is today's, which is what "the seed's prices" means here.
 */
import type { OnDemandPeriod, PriceCatalogue } from "./catalogue-types.js";
/** The on-demand period in effect on `date` (YYYY-MM-DD). */
export declare function onDemandPeriodOn(date: string): OnDemandPeriod;
/** `base` with DynamoDB on-demand prices as they were on `date`. */
export declare function catalogueAsOf(date: string, base?: PriceCatalogue): PriceCatalogue;
/** Prices as the seed document used them: before the 1 Nov 2024 on-demand cut. */
export declare const SEED_ERA_CATALOGUE: PriceCatalogue;
