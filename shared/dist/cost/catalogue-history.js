import { CURRENT_CATALOGUE, ON_DEMAND_PERIODS } from "./prices.js";
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** The on-demand period in effect on `date` (YYYY-MM-DD). */
export function onDemandPeriodOn(date) {
    if (!ISO_DATE.test(date))
        throw new RangeError(`Expected a date as YYYY-MM-DD, got "${date}"`);
    const period = ON_DEMAND_PERIODS.find((p) => (p.from === undefined || p.from <= date) && (p.until === undefined || date < p.until));
    if (period === undefined)
        throw new RangeError(`No DynamoDB on-demand prices recorded for ${date}`);
    return period;
}
/** `base` with DynamoDB on-demand prices as they were on `date`. */
export function catalogueAsOf(date, base = CURRENT_CATALOGUE) {
    return {
        ...base,
        id: `${base.region}@${date}`,
        asOf: date,
        dynamodb: { ...base.dynamodb, onDemand: onDemandPeriodOn(date) },
    };
}
/** Prices as the seed document used them: before the 1 Nov 2024 on-demand cut. */
export const SEED_ERA_CATALOGUE = catalogueAsOf("2024-10-31");
