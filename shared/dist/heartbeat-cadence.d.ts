import type { Config } from "./config.js";
/** The configuration the heartbeat cadence depends on. */
export type CadenceConfig = Pick<Config, "heartbeatIntervalSec" | "heartbeatIntervalMaxSec" | "presenceTtlSec" | "hotPathBudgetUsd">;
/** How often viewers beat, and how long one counts after a beat, in s. */
export interface Cadence {
    intervalSec: number;
    presenceTtlSec: number;
}
/**
 * The cadence in force, the same at the edge and in the sync job: with a hot-path budget
 * (HOT_PATH_BUDGET_USD), the interval the sync job chose, clamped to
 * [HEARTBEAT_INTERVAL_SEC, HEARTBEAT_INTERVAL_MAX_SEC]; otherwise the configured one. The
 * presence TTL scales with the interval, so a viewer keeps the same number of beats of grace.
 */
export declare function cadenceFor(config: CadenceConfig, chosenIntervalSec?: number): Cadence;
/**
 * The slot widths a live count reads: the interval in force and the configured one, since
 * while a budget changes the interval, clients still on the old one mark slots of its width.
 */
export declare function countedWidthsSec(config: CadenceConfig, cadence: Cadence): number[];
/** The interval stored in Redis key `iv` (JSON `{ intervalSec, ... }`); unreadable means none. */
export declare function parseChosenInterval(json: unknown): number | undefined;
