/**
 * The count a stage is answered with after Redis lost its data, until live heartbeats have
 * rebuilt presence: the live count of its last snapshot, flagged as an estimate. One definition
 * for the sync job and the edge, which both write it (`e:<stage>`), and the edge, which reads it.
 */
import type { DocumentClient } from "./clients.js";
/**
 * Oldest snapshot (by `takenAt`) an estimate may come from: one sync period (a window) plus a
 * minute of slack for a late run. A live stage with viewers has a snapshot at least that recent;
 * an older one describes an audience that may have left long ago, so no estimate is better.
 */
export declare const ESTIMATE_MAX_AGE_MS: number;
export interface RestoreEstimate {
    viewers: number;
    /** When the figure was true (the snapshot's `takenAt`), epoch ms. */
    asOfMs: number;
}
/** The estimate a snapshot gives at `nowMs`, or `undefined` when it is too old to mean anything. */
export declare function estimateFromSnapshot(snapshot: {
    viewerCount: unknown;
    takenAt: unknown;
}, nowMs: number): RestoreEstimate | undefined;
/** The value stored in `e:<stage>`. */
export declare function formatEstimate(estimate: RestoreEstimate): string;
export declare function parseEstimate(json: string | null | undefined): RestoreEstimate | undefined;
/**
 * What a count read answers: the live count, or the estimate while it is the larger; `asOfMs`
 * is when the figure was true (when the live count was counted, or the snapshot's time).
 */
export declare function answerCount(live: number, estimate: RestoreEstimate | undefined, liveAsOfMs: number): {
    viewers: number;
    estimated: boolean;
    asOfMs: number;
};
/**
 * A stage's newest snapshot's live count and time (one Query, newest first, `Limit: 1`), or
 * `undefined` when it has none: what an estimate is made from, by the edge and the sync job.
 */
export declare function readLatestSnapshot(db: DocumentClient, tableName: string, stageId: string): Promise<{
    viewerCount: number;
    takenAt: string;
} | undefined>;
