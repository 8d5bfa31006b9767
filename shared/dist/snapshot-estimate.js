import { SNAPSHOT_PREFIX, stagePartition } from "./dynamo-keys.js";
import { queryPage } from "./dynamo-query.js";
import { WINDOW_MS } from "./windows.js";
/**
 * Oldest snapshot (by `takenAt`) an estimate may come from: one sync period (a window) plus a
 * minute of slack for a late run. A live stage with viewers has a snapshot at least that recent;
 * an older one describes an audience that may have left long ago, so no estimate is better.
 */
export const ESTIMATE_MAX_AGE_MS = WINDOW_MS + 60_000;
/** The estimate a snapshot gives at `nowMs`, or `undefined` when it is too old to mean anything. */
export function estimateFromSnapshot(snapshot, nowMs) {
    const asOfMs = Date.parse(String(snapshot.takenAt));
    const viewers = Number(snapshot.viewerCount);
    if (!Number.isFinite(asOfMs) || !Number.isInteger(viewers) || viewers < 0)
        return undefined;
    if (nowMs - asOfMs > ESTIMATE_MAX_AGE_MS)
        return undefined;
    return { viewers, asOfMs };
}
/** The value stored in `e:<stage>`. */
export function formatEstimate(estimate) {
    return JSON.stringify({
        viewers: estimate.viewers,
        asOf: new Date(estimate.asOfMs).toISOString(),
    });
}
export function parseEstimate(json) {
    if (json === null || json === undefined || json === "")
        return undefined;
    try {
        const value = JSON.parse(json);
        const asOfMs = Date.parse(String(value.asOf));
        if (typeof value.viewers !== "number" || Number.isNaN(asOfMs))
            return undefined;
        return { viewers: value.viewers, asOfMs };
    }
    catch {
        return undefined;
    }
}
/**
 * What a count read answers: the live count, or the estimate while it is the larger; `asOfMs`
 * is when the figure was true (when the live count was counted, or the snapshot's time).
 */
export function answerCount(live, estimate, liveAsOfMs) {
    if (estimate !== undefined && estimate.viewers > live) {
        return { viewers: estimate.viewers, estimated: true, asOfMs: estimate.asOfMs };
    }
    return { viewers: live, estimated: false, asOfMs: liveAsOfMs };
}
/**
 * A stage's newest snapshot's live count and time (one Query, newest first, `Limit: 1`), or
 * `undefined` when it has none: what an estimate is made from, by the edge and the sync job.
 */
export async function readLatestSnapshot(db, tableName, stageId) {
    const result = await queryPage(db, {
        tableName,
        partition: stagePartition(stageId),
        sortKey: { beginsWith: SNAPSHOT_PREFIX },
        descending: true,
        pageSize: 1,
    });
    const item = result.items[0];
    if (item === undefined)
        return undefined;
    return { viewerCount: Number(item.viewerCount), takenAt: String(item.takenAt) };
}
