/**
 * Catalogues for other dates. Only DynamoDB's on-demand prices have a recorded history (the
 * 1 Nov 2024 cut); every other figure is today's, which is what "the seed's prices" means here.
 */
import type { OnDemandPeriod, PriceCatalogue } from "./catalogue-types";
import { CURRENT_CATALOGUE, ON_DEMAND_PERIODS } from "./prices";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The on-demand period in effect on `date` (YYYY-MM-DD). */
export function onDemandPeriodOn(date: string): OnDemandPeriod {
  if (!ISO_DATE.test(date)) throw new RangeError(`Expected a date as YYYY-MM-DD, got "${date}"`);
  const period = ON_DEMAND_PERIODS.find(
    (p) => (p.from === undefined || p.from <= date) && (p.until === undefined || date < p.until),
  );
  if (period === undefined)
    throw new RangeError(`No DynamoDB on-demand prices recorded for ${date}`);
  return period;
}

/** `base` with DynamoDB on-demand prices as they were on `date`. */
export function catalogueAsOf(
  date: string,
  base: PriceCatalogue = CURRENT_CATALOGUE,
): PriceCatalogue {
  return {
    ...base,
    id: `${base.region}@${date}`,
    asOf: date,
    dynamodb: { ...base.dynamodb, onDemand: onDemandPeriodOn(date) },
  };
}

/** Prices as the seed document used them: before the 1 Nov 2024 on-demand cut. */
export const SEED_ERA_CATALOGUE: PriceCatalogue = catalogueAsOf("2024-10-31");
