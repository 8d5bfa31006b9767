import type { DocumentClient } from "@viewer-presence/shared/clients";
import { deleteItem } from "@viewer-presence/shared/dynamo-items";
import {
  viewingRecordsKeys,
  WINDOW_PROGRESS_ITEM_TYPE,
  windowProgressKeys,
} from "@viewer-presence/shared/dynamo-keys";
import type { Breakdown } from "@viewer-presence/shared/history-items";
import { CONCURRENCY_SLOTS, windowStartMs } from "@viewer-presence/shared/windows";
import { mapConcurrent } from "../map-concurrent";
import type { RunReport } from "../run-report";
import type { BatchWriteOptions } from "./batch-write";
import { LEDGER_KEEP_SEC } from "./window-items";
import type { WindowProgress } from "./window-progress";
import { writeItems } from "./write-items";

/**
 * A window's progress item (`STAGE#<id>` / `PROGRESS#<window start>`): where the job stands in
 * a window written over several writes, and `upTo`, one past the highest part any attempt may
 * have written. Written before each write of the window's items (with that write's `upTo`) and
 * after it (with where the window then stands); left to expire once the window's snapshot is
 * written.
 */
export interface WindowProgressItem {
  pk: string;
  sk: string;
  type: typeof WINDOW_PROGRESS_ITEM_TYPE;
  stageId: string;
  windowStart: string;
  /** The next item's part number. */
  part: number;
  /** Where to read on: the database (0 the home, then the stage's others) and index. */
  source: number;
  next: number;
  upTo: number;
  /** Totals of the viewers in parts below `part`. */
  uniqueViewers: number;
  watchSeconds: number;
  slotViewers: number[];
  countries: Breakdown;
  devices: Breakdown;
  /** Epoch s. */
  ttl: number;
}

export function progressItem(
  window: { stageId: string; window: number },
  progress: WindowProgress,
  upTo: number,
  nowMs: number,
): WindowProgressItem {
  const startMs = windowStartMs(window.window);
  const { totals } = progress;
  return {
    ...windowProgressKeys(window.stageId, startMs),
    type: WINDOW_PROGRESS_ITEM_TYPE,
    stageId: window.stageId,
    windowStart: new Date(startMs).toISOString(),
    part: progress.part,
    source: progress.source ?? 0,
    next: progress.next ?? 0,
    upTo,
    uniqueViewers: totals.uniqueViewers,
    watchSeconds: totals.watchSeconds,
    slotViewers: totals.slotViewers,
    countries: totals.countries,
    devices: totals.devices,
    ttl: Math.floor(nowMs / 1000) + LEDGER_KEEP_SEC,
  };
}

/** A progress item read back; undefined for any other item (a snapshot). */
export function parseProgressItem(
  item: Record<string, unknown>,
): { progress: WindowProgress; upTo: number } | undefined {
  if (item.type !== WINDOW_PROGRESS_ITEM_TYPE) return undefined;
  const stored = item as unknown as WindowProgressItem;
  const slots = Array.isArray(stored.slotViewers) ? stored.slotViewers.map(Number) : [];
  return {
    upTo: Number(stored.upTo),
    progress: {
      part: Number(stored.part),
      source: Number(stored.source),
      next: Number(stored.next),
      totals: {
        uniqueViewers: Number(stored.uniqueViewers),
        watchSeconds: Number(stored.watchSeconds),
        slotViewers:
          slots.length === CONCURRENCY_SLOTS ? slots : new Array(CONCURRENCY_SLOTS).fill(0),
        countries: stored.countries ?? {},
        devices: stored.devices ?? {},
      },
    },
  };
}

/**
 * Deletes a window's viewing-records items numbered `from` to `upTo - 1`: what an earlier
 * attempt wrote past where this one ended (its input had more then, or that write failed part
 * way). Rare (a write that failed, or a Redis that lost data, before this run); one DeleteItem
 * each, whether the item exists or not, 4 at a time.
 */
export async function deleteParts(
  db: DocumentClient,
  tableName: string,
  window: { stageId: string; window: number },
  from: number,
  upTo: number,
  report: RunReport,
): Promise<void> {
  const parts = Array.from({ length: Math.max(0, upTo - from) }, (_, i) => from + i);
  const startMs = windowStartMs(window.window);
  await mapConcurrent(parts, 4, (part) =>
    deleteItem(db, tableName, viewingRecordsKeys(window.stageId, startMs, part), {
      onWriteUnits: (units) => {
        report.writeUnits += units;
      },
    }),
  );
}

/** What the ledger keeps of a window being written (sync-slot-windows.ts). */
export interface WindowLedger {
  /** Where the window stood after its last confirmed write (or where this run took it up). */
  confirmed: WindowProgress;
  /** One past the highest part any attempt may have written. */
  upTo: number;
  /** Whether its progress item exists: then every write of its items updates it. */
  saved: boolean;
}

/** A window being written, as the ledger sees it. */
export interface LedgerWindow {
  closed: { stageId: string; window: number };
  /** Set when an item of the window went out since the last write: where it then stands. */
  pending?: WindowProgress & { at: Pick<WindowProgress, "source" | "next"> };
  ledger: WindowLedger;
}

/**
 * Writes viewing-records items with the ledger kept around each write (`write(windows, items,
 * final)`). Before it, each window with items in it that has a progress item, and (unless
 * `final`: the windows' last write, after which their snapshots follow) each that gets one now,
 * records the parts this write may create (`upTo`), unless a record already covers them; after
 * it (unless `final`), where each such window then stands. So a rerun that finds a window's
 * progress item resumes right after its last confirmed write, and knows which parts an
 * unconfirmed write may have left: never an item it cannot account for. Windows read in one go
 * never get one: their items all go in their `final` write.
 *
 * The progress saved after a write goes on while the next round is read; the next write waits
 * for it first (the item must not be overtaken), and so must the caller before it returns
 * (`settle`), also when it fails.
 */
export function createProgressWriter(deps: {
  db: DocumentClient;
  tableName: string;
  write: BatchWriteOptions;
  nowMs: number;
  report: RunReport;
}) {
  const { db, tableName, write, nowMs, report } = deps;
  const progressItems = (list: readonly LedgerWindow[]) =>
    list.map(({ closed, ledger }) => progressItem(closed, ledger.confirmed, ledger.upTo, nowMs));
  /** The progress saved after the last write, maybe still in flight. */
  let saving: Promise<void> = Promise.resolve();
  return {
    async write(windows: readonly LedgerWindow[], items: readonly object[], final: boolean) {
      await saving;
      const writing = windows.filter((w) => w.pending !== undefined);
      const tracked = writing.filter((w) => !final || w.ledger.saved);
      const ahead = tracked.filter(({ pending, ledger }) => pending!.part > ledger.upTo);
      for (const { pending, ledger } of tracked) {
        ledger.upTo = Math.max(ledger.upTo, pending!.part);
        ledger.saved = true;
      }
      await writeItems(db, tableName, progressItems(ahead), write, report);
      await writeItems(db, tableName, items, write, report);
      for (const w of writing) {
        const { at, ...progress } = w.pending!;
        w.ledger.confirmed = { ...progress, ...at };
        w.pending = undefined;
      }
      if (final) return;
      saving = writeItems(db, tableName, progressItems(tracked), write, report);
      // Seen by the next write or `settle`; a run that fails before either has its own error.
      saving.catch(() => undefined);
    },
    /** Waits for the progress saved after the last write. */
    settle: () => saving,
  };
}
