import { latestBroadcast } from "@viewer-presence/shared/broadcasts";
import type { DocumentClient } from "@viewer-presence/shared/clients";
import { setFields, updateItem } from "@viewer-presence/shared/dynamo-items";
import { BROADCASTS_DUE_PARTITION, broadcastKeys } from "@viewer-presence/shared/dynamo-keys";
import type { BroadcastItem } from "@viewer-presence/shared/history-items";
import {
  CONCURRENCY_SLOT_SEC,
  DAY_MS,
  WINDOW_MS,
  windowIndex,
  windowStartMs,
} from "@viewer-presence/shared/windows";
import { dueItems, snapshotsIn, viewingRecordsIn } from "./history-reads";
import { type ViewerDayDeps, writeViewerDay } from "./viewer-days";
import { inViewerSlices, TooManyViewers } from "./viewer-slices";

/**
 * Time after a broadcast's end before its summary is written: the window it ended in closes
 * (at most 5 min), plus the 10 s other isolates may still accept a heartbeat (their registry
 * check), plus a margin for the close grace; the run must also have synced every closed window.
 */
export const BROADCAST_SETTLE_MS = WINDOW_MS + 60_000;

/** The figures of a broadcast, as stored on its item and served by getBroadcast. */
export type BroadcastFigures = Required<
  Pick<
    BroadcastItem,
    | "peakViewers"
    | "peakAt"
    | "averageViewers"
    | "uniqueViewers"
    | "uniqueViewersExact"
    | "secondsWatched"
    | "averageSecondsPerViewer"
  >
>;

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The 5-minute windows a broadcast is credited with, by window start: [fromMs, toMs). They are
 * the windows that overlap it, except one it shares with the broadcast before it (a stage ended
 * and reopened within one window), which that earlier broadcast keeps: viewing records are kept
 * per window, so a window cannot be split, and counting it in both would count it twice.
 */
export async function creditedWindows(
  db: DocumentClient,
  tableName: string,
  broadcast: Pick<BroadcastItem, "stageId" | "startedAt" | "endedAt">,
): Promise<{ fromMs: number; toMs: number }> {
  const startMs = Date.parse(broadcast.startedAt);
  const endMs = Date.parse(broadcast.endedAt ?? broadcast.startedAt);
  let fromMs = windowStartMs(windowIndex(startMs));
  const previous = await latestBroadcast(db, tableName, broadcast.stageId, startMs);
  if (previous?.endedAt && Date.parse(previous.endedAt) > fromMs) fromMs += WINDOW_MS;
  return { fromMs, toMs: Math.max(fromMs, endMs) };
}

/**
 * A broadcast's figures, from its windows: peak (and when) from the snapshots' 30-s
 * concurrency; seconds and distinct viewers from the viewing records, which hold every viewer
 * id, so the distinct count is exact (a viewer counts once however many windows, tabs or hours
 * they watched). Memory holds at most `maxViewersPerPass` ids: a larger audience is counted in
 * slices of its viewers, one pass over the records each (viewer-slices.ts).
 */
export async function broadcastFigures(
  db: DocumentClient,
  tableName: string,
  broadcast: Pick<BroadcastItem, "stageId" | "startedAt" | "endedAt">,
  options: { maxViewersPerPass?: number } = {},
): Promise<BroadcastFigures> {
  const { fromMs, toMs } = await creditedWindows(db, tableName, broadcast);
  let peakViewers = 0;
  let peakAt: string | null = null;
  let secondsWatched = 0;
  let uniqueViewers = 0;
  if (toMs > fromMs) {
    for await (const snapshot of snapshotsIn(db, tableName, broadcast.stageId, fromMs, toMs)) {
      const slots = (snapshot.slotViewers ?? []) as number[];
      slots.forEach((count, slot) => {
        if (Number(count) <= peakViewers) return;
        peakViewers = Number(count);
        const at = Date.parse(String(snapshot.windowStart)) + slot * CONCURRENCY_SLOT_SEC * 1000;
        peakAt = new Date(at).toISOString();
      });
    }
    const slices = await inViewerSlices(async (inSlice, maxViewers) => {
      const viewers = new Set<string>();
      let seconds = 0;
      const records = viewingRecordsIn(db, tableName, broadcast.stageId, fromMs, toMs);
      for await (const [viewerId, watched] of records) {
        if (!inSlice(viewerId)) continue;
        viewers.add(viewerId);
        seconds += watched;
        if (viewers.size > maxViewers) throw new TooManyViewers();
      }
      return { viewers: viewers.size, seconds };
    }, options.maxViewersPerPass);
    for (const slice of slices) {
      uniqueViewers += slice.viewers;
      secondsWatched += slice.seconds;
    }
  }
  const endMs = Date.parse(broadcast.endedAt ?? broadcast.startedAt);
  const lengthSec = (endMs - Date.parse(broadcast.startedAt)) / 1000;
  return {
    peakViewers,
    peakAt,
    averageViewers: lengthSec > 0 ? round2(secondsWatched / lengthSec) : 0,
    uniqueViewers,
    uniqueViewersExact: true,
    secondsWatched,
    averageSecondsPerViewer: uniqueViewers > 0 ? round2(secondsWatched / uniqueViewers) : 0,
  };
}

/**
 * Summarises every ended broadcast that is due (listed under `BROADCASTS_DUE`, one Query, and
 * ended {@link BROADCAST_SETTLE_MS} ago): writes the per-viewer totals of each UTC day it
 * touched (so a viewer's watch time is there once the broadcast is over, not only once the day
 * is), then its figures, in one UpdateItem that also takes it off the listing. Every write puts
 * recomputed figures, so a rerun, or a run killed between the two, writes the same again.
 * Returns the broadcasts summarised.
 */
export async function summarizeDueBroadcasts(
  deps: ViewerDayDeps,
  nowMs: number,
  maxBroadcasts = 50,
): Promise<number> {
  const due = (await dueItems(
    deps.db,
    deps.tableName,
    BROADCASTS_DUE_PARTITION,
    new Date(nowMs - BROADCAST_SETTLE_MS + 1).toISOString(),
    { max: maxBroadcasts, stageOf: (item) => String(item.stageId), held: deps.held },
  )) as unknown as BroadcastItem[];
  let summarised = 0;
  for (const item of due) {
    if (item.endedAt === null) continue;
    const startMs = Date.parse(item.startedAt);
    const endMs = Date.parse(item.endedAt);
    const firstDayMs = Math.floor(startMs / DAY_MS) * DAY_MS;
    for (let dayMs = firstDayMs; dayMs < endMs || dayMs === firstDayMs; dayMs += DAY_MS) {
      await writeViewerDay(deps, item.stageId, new Date(dayMs).toISOString().slice(0, 10));
    }
    const figures = await broadcastFigures(deps.db, deps.tableName, item, deps);
    const set = setFields({ ...figures, summarizedAt: new Date(nowMs).toISOString() });
    await updateItem(deps.db, deps.tableName, broadcastKeys(item.stageId, startMs), {
      expression: `${set.clause} REMOVE gsi1pk, gsi1sk`,
      condition: "endedAt = :end",
      names: set.names,
      values: { ...set.values, ":end": item.endedAt },
    });
    summarised++;
  }
  return summarised;
}
