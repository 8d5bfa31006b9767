import type { DocumentClient } from "@viewer-presence/shared/clients";
import { isConditionFailure, updateItem } from "@viewer-presence/shared/dynamo-items";
import {
  dayRollupKeys,
  VIEWER_DAY_ITEM_TYPE,
  VIEWER_DAYS_DUE_PARTITION,
  viewerDayKeys,
} from "@viewer-presence/shared/dynamo-keys";
import type { ViewerDayItem } from "@viewer-presence/shared/history-items";
import { DAY_MS, WINDOW_MS } from "@viewer-presence/shared/windows";
import type { RunReport } from "../run-report";
import type { BatchWriteOptions } from "../windows/batch-write";
import { writeItems } from "../windows/write-items";
import { dueItems, viewingRecordsIn } from "./history-reads";
import { inViewerSlices, TooManyViewers } from "./viewer-slices";

/**
 * When a stage-day's per-viewer totals are due: one window after the day's end, by when its
 * last window (which starts at 23:55) has closed and a run has synced it. Written on the day's
 * rollup item (sync/history/hour-rollups.ts), so every day that had a viewer is found.
 */
export function viewerDayDueMs(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`) + DAY_MS + WINDOW_MS;
}

export interface ViewerDayDeps {
  db: DocumentClient;
  tableName: string;
  write: BatchWriteOptions;
  report: RunReport;
  /**
   * Which of these stages this run is for (default: all): the deployment's registry, and with
   * several Redis databases the ones this database holds; others are left to their own run.
   */
  held?: (stageIds: readonly string[]) => Promise<boolean[]>;
  /** Most distinct viewers summed in memory at once (default 200,000: viewer-slices.ts). */
  maxViewersPerPass?: number;
}

/**
 * Writes every viewer's seconds on a stage in one UTC day, summed from the day's viewing records
 * (the windows that start in it), one item per viewer (`VIEWER#<viewer>` / `DAY#<day>#<stage>`),
 * each put whole: a rerun, or a run after a late window, writes the day's recomputed figure over
 * the last, so nothing is counted twice, and a run killed half way leaves items that the next
 * write of the same day replaces. Returns the viewers written.
 *
 * Memory holds at most `maxViewersPerPass` viewers: a larger stage-day is summed in slices of
 * its viewers, one pass over its records each (viewer-slices.ts).
 */
export async function writeViewerDay(
  deps: ViewerDayDeps,
  stageId: string,
  day: string,
): Promise<number> {
  const dayStartMs = Date.parse(`${day}T00:00:00.000Z`);
  const written = await inViewerSlices(async (inSlice, maxViewers) => {
    const seconds = new Map<string, number>();
    const records = viewingRecordsIn(
      deps.db,
      deps.tableName,
      stageId,
      dayStartMs,
      dayStartMs + DAY_MS,
    );
    for await (const [viewerId, watched] of records) {
      if (!inSlice(viewerId)) continue;
      seconds.set(viewerId, (seconds.get(viewerId) ?? 0) + watched);
      if (seconds.size > maxViewers) throw new TooManyViewers();
    }
    const items: ViewerDayItem[] = [...seconds].map(([viewerId, total]) => ({
      ...viewerDayKeys(viewerId, day, stageId),
      type: VIEWER_DAY_ITEM_TYPE,
      viewerId,
      stageId,
      day,
      seconds: total,
    }));
    await writeItems(deps.db, deps.tableName, items, deps.write, deps.report);
    return items.length;
  }, deps.maxViewersPerPass);
  return written.reduce((sum, n) => sum + n, 0);
}

/**
 * Writes the per-viewer totals of every stage-day that is due (listed on its day rollup under
 * `VIEWER_DAYS_DUE`: a Query of that sparse index), then takes the listing off, unless the day's rollup was
 * rewritten meanwhile (a later hour: then it stays due and is written again next run).
 * Returns the stage-days written.
 */
export async function writeDueViewerDays(
  deps: ViewerDayDeps,
  nowMs: number,
  maxDays = 100,
): Promise<number> {
  const due = await dueItems(
    deps.db,
    deps.tableName,
    VIEWER_DAYS_DUE_PARTITION,
    new Date(nowMs + 1).toISOString(),
    { max: maxDays, stageOf: (item) => String(item.stageId), held: deps.held },
  );
  let written = 0;
  for (const item of due) {
    const stageId = String(item.stageId);
    const day = String(item.periodStart).slice(0, 10);
    await writeViewerDay(deps, stageId, day);
    try {
      await updateItem(
        deps.db,
        deps.tableName,
        dayRollupKeys(stageId, Date.parse(`${day}T00:00:00.000Z`)),
        {
          expression: "REMOVE gsi1pk, gsi1sk",
          condition: "gsi1sk = :seen AND parts = :parts",
          values: { ":seen": item.gsi1sk, ":parts": item.parts },
        },
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    written++;
  }
  return written;
}
