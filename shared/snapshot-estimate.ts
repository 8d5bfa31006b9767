/**
 * The count a stage is answered with after Redis lost its data, until live heartbeats have
 * rebuilt presence: the live count of its last snapshot, flagged as an estimate. One definition
 * for the sync job and the edge, which both write it (`e:<stage>`), and the edge, which reads it.
 */
import type { DocumentClient } from "./clients";
import { SNAPSHOT_PREFIX, stagePartition } from "./dynamo-keys";
import { queryPage } from "./dynamo-query";
import { WINDOW_MS } from "./windows";

/**
 * Oldest snapshot (by `takenAt`) an estimate may come from: one sync period (a window) plus a
 * minute of slack for a late run. A live stage with viewers has a snapshot at least that recent;
 * an older one describes an audience that may have left long ago, so no estimate is better.
 */
export const ESTIMATE_MAX_AGE_MS = WINDOW_MS + 60_000;

export interface RestoreEstimate {
  viewers: number;
  /** When the figure was true (the snapshot's `takenAt`), epoch ms. */
  asOfMs: number;
}

/** The estimate a snapshot gives at `nowMs`, or `undefined` when it is too old to mean anything. */
export function estimateFromSnapshot(
  snapshot: { viewerCount: unknown; takenAt: unknown },
  nowMs: number,
): RestoreEstimate | undefined {
  const asOfMs = Date.parse(String(snapshot.takenAt));
  const viewers = Number(snapshot.viewerCount);
  if (!Number.isFinite(asOfMs) || !Number.isInteger(viewers) || viewers < 0) return undefined;
  if (nowMs - asOfMs > ESTIMATE_MAX_AGE_MS) return undefined;
  return { viewers, asOfMs };
}

/** The value stored in `e:<stage>`. */
export function formatEstimate(estimate: RestoreEstimate): string {
  return JSON.stringify({
    viewers: estimate.viewers,
    asOf: new Date(estimate.asOfMs).toISOString(),
  });
}

export function parseEstimate(json: string | null | undefined): RestoreEstimate | undefined {
  if (json === null || json === undefined || json === "") return undefined;
  try {
    const value = JSON.parse(json) as { viewers?: unknown; asOf?: unknown };
    const asOfMs = Date.parse(String(value.asOf));
    if (typeof value.viewers !== "number" || Number.isNaN(asOfMs)) return undefined;
    return { viewers: value.viewers, asOfMs };
  } catch {
    return undefined;
  }
}

/**
 * What a count read answers: the live count, or the estimate while it is the larger; `asOfMs`
 * is when the figure was true (when the live count was counted, or the snapshot's time).
 */
export function answerCount(
  live: number,
  estimate: RestoreEstimate | undefined,
  liveAsOfMs: number,
): { viewers: number; estimated: boolean; asOfMs: number } {
  if (estimate !== undefined && estimate.viewers > live) {
    return { viewers: estimate.viewers, estimated: true, asOfMs: estimate.asOfMs };
  }
  return { viewers: live, estimated: false, asOfMs: liveAsOfMs };
}

/**
 * A stage's newest snapshot's live count and time (one Query, newest first, `Limit: 1`), or
 * `undefined` when it has none: what an estimate is made from, by the edge and the sync job.
 */
export async function readLatestSnapshot(
  db: DocumentClient,
  tableName: string,
  stageId: string,
): Promise<{ viewerCount: number; takenAt: string } | undefined> {
  const result = await queryPage(db, {
    tableName,
    partition: stagePartition(stageId),
    sortKey: { beginsWith: SNAPSHOT_PREFIX },
    descending: true,
    pageSize: 1,
  });
  const item = result.items[0];
  if (item === undefined) return undefined;
  return { viewerCount: Number(item.viewerCount), takenAt: String(item.takenAt) };
}
