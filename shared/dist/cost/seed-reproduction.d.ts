/**
 * The seed document's cost tables: reproduced under its own assumptions, then corrected.
 *
 * The seed's assumptions: 10,000 viewers make 1.22 M writes and 1.2 M reads an hour (both
 * scale with viewers), each read is one read unit, DynamoDB on-demand prices from before
 * 1 Nov 2024 ($1.25 / $0.25 per million), and a 720-hour (30-day) month. 720 h reproduces its
 * $1,320 / $6,600 within 0.5% ($1,314 / $6,570); 730 h gives $1,332 / $6,661 (within 1% too,
 * but further off), so the seed used 30-day months.
 */
import type { PriceCatalogue } from "./catalogue-types.js";
import { type Workload } from "./workload.js";
export declare const SEED_ASSUMPTIONS: {
    readonly viewers: 10000;
    readonly writesPerHour: 1220000;
    readonly readsPerHour: 1200000;
    readonly readUnitsPerRead: 1;
    readonly hoursPerMonth: 720;
};
export interface PureDynamoBill {
    writesUsd: number;
    readsUsd: number;
    totalUsd: number;
}
/** The seed's pure-DynamoDB bill: its request counts (scaled to `viewers`) at `catalogue`'s prices. */
export declare function seedPureDynamoBill(viewers: number, catalogue?: PriceCatalogue, hoursPerMonth?: number): PureDynamoBill;
export interface SeedFigure {
    low: number;
    high: number;
    unit: "USD/month" | "%";
}
export interface SeedRow {
    viewers: number;
    item: string;
    /** The seed's figure; absent for rows the seed did not have (what a sceptic asks for). */
    seed?: SeedFigure;
    /** The seed's own assumptions pushed through this model, where that is meaningful. */
    reproduced?: number;
    corrected: number;
    reason: string;
}
/**
 * The seed's figures row by row, with the figure this model gives today and why they differ.
 * `workload` overrides the defaults (e.g. measured commands and bytes per heartbeat).
 */
export declare function seedComparison(options?: {
    workload?: Partial<Workload>;
    catalogue?: PriceCatalogue;
}): SeedRow[];
/** The comparison as a markdown table. */
export declare function renderSeedTableMarkdown(rows: readonly SeedRow[]): string;
