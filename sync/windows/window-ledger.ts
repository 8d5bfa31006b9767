import type { DocumentClient } from "@viewer-presence/shared/clients";
import {
  batchGetItems,
  getItem,
  isConditionFailure,
  updateItem,
} from "@viewer-presence/shared/dynamo-items";
import {
  SNAPSHOT_ITEM_TYPE,
  SYNC_WATERMARK_ITEM_TYPE,
  snapshotKeys,
  syncWatermarkKeys,
  VIEWING_RECORDS_ITEM_TYPE,
  viewingRecordsKeys,
  viewingRecordsPart,
  viewingRecordsPartition,
  viewingRecordsWindowPrefix,
  windowProgressKeys,
} from "@viewer-presence/shared/dynamo-keys";
import { queryItems } from "@viewer-presence/shared/dynamo-query";
import { windowStartMs } from "@viewer-presence/shared/windows";
import { mapConcurrent } from "../map-concurrent";
import type { RunReport } from "../run-report";
import type { ClosedSlotWindow } from "./find-work";
import { parseProgressItem } from "./ledger-progress";
import { LEDGER_KEEP_SEC } from "./window-items";
import type { WindowProgress } from "./window-progress";

/**
 * The sync job's ledger: what DynamoDB holds of each closed window of slot bitmaps, so that a
 * Redis that lost data never makes the job write a window again from what is left (a spread
 * stage's home restarted empty while its other databases keep their bitmaps; a database back
 * from an older persistence point, its `bsy` and its progress gone with the rest). Redis can
 * lose the "already synced" fact; DynamoDB cannot.
 *
 * - A window's snapshot is its completion record: written only once DynamoDB confirmed every
 *   viewing-records item of the window (sync-slot-windows.ts).
 * - A window written over several writes keeps a progress item (ledger-progress.ts): before
 *   each write, the parts that write may create (`upTo`); after it, where the window stands.
 * - A watermark per Redis database (its URL and the key prefix): the highest window its runs
 *   have started writing, raised before they write. It outlives whatever Redis loses. A window
 *   above it was never touched, and is written with no read of the ledger (the steady state:
 *   one read and one write a run, none a window); so is every window while there is no
 *   watermark yet (a new deployment, the first runs of this code, a database under a new URL):
 *   its Redis, not having lost data since, still lists what it synced. A window at or below it
 *   that `bsy` does not list is checked (three items read, consistently: its snapshot, its
 *   progress, its first records item): with a snapshot it is synced, and is only marked so in
 *   Redis; with progress it resumes there; with neither, the items an attempt that failed left
 *   are counted (one Query, when the first is there) and it is written from the start.
 *
 * What may still go: of a window not yet whole when Redis lost data, the records no progress
 * item vouches for (those of its last write before the snapshot, for a window read in one
 * round) are written again from what is left, and parts past the new end are deleted: only
 * watch time of a window not yet synced (the recovery point). One case is not covered: that
 * last write failing for the batch holding the window's first part while a later batch of it
 * landed, then Redis losing data before the next run: its later parts go unnoticed, and may
 * hold viewers written again; nor is a database that loses its data while it has no watermark
 * (the first run of this code, or just after its URL changed). Writes are not conditional: the
 * lock keeps runs of one database apart, and items go in 25-item batches.
 */

/** A window some run started writing and did not finish: where to go on. */
export interface StartedWindow {
  /** Where the window stands (absent: at its start). */
  progress?: WindowProgress;
  /** Parts below this number may exist in DynamoDB (written by an earlier attempt). */
  upTo: number;
  /** Whether it has a progress item (then every write of it updates that item). */
  saved: boolean;
}

export interface LedgerCheck {
  /** Windows to write: never touched, or `started`. */
  toWrite: ClosedSlotWindow[];
  /** Windows whose snapshot is in DynamoDB: only marked synced in Redis. */
  synced: ClosedSlotWindow[];
  /** By `<stage>:<window>`: the windows of `toWrite` an earlier run started. */
  started: Map<string, StartedWindow>;
}

/** Which database's watermark, and the run's clock. */
export interface LedgerOptions {
  /** The Redis database's REST URL, and the deployment's key prefix in it. */
  redisUrl: string;
  keyPrefix: string;
  nowMs: number;
}

type WatermarkKey = ReturnType<typeof syncWatermarkKeys>;

/** Keys a BatchGetItem call takes at most (a DynamoDB limit). */
const BATCH_GET_MAX_KEYS = 100;
/** Calls per BatchGetItem chunk before its UnprocessedKeys fail the run. */
const MAX_ATTEMPTS = 8;
/** Ledger reads in flight at once (BatchGetItem calls, or Queries of a window's items). */
const QUERY_CONCURRENCY = 8;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const windowId = (w: { stageId: string; window: number }) => `${w.stageId}:${w.window}`;

/**
 * Checks the windows a run is about to write against the ledger, and raises the watermark over
 * them before anything is written (see the top of this file). Read units go to `report`.
 */
export async function checkLedger(
  deps: { db: DocumentClient; tableName: string },
  windows: readonly ClosedSlotWindow[],
  options: LedgerOptions,
  report: RunReport,
): Promise<LedgerCheck> {
  const check: LedgerCheck = { toWrite: [], synced: [], started: new Map() };
  if (windows.length === 0) return check;
  const { db, tableName } = deps;
  const key = syncWatermarkKeys(options.redisUrl, options.keyPrefix);
  const watermark = await readWatermark(db, tableName, key, report);
  const suspects = windows.filter((w) => watermark !== undefined && w.window <= watermark);
  const found = await readLedgerItems(db, tableName, suspects, report);
  // Items with neither a snapshot nor progress: left by an attempt whose one write failed (or
  // whose snapshot did). Counted only when its first part is there, the first written.
  const unknown = suspects.filter((w) => {
    const ledger = found.get(windowId(w))!;
    return !ledger.synced && ledger.started === undefined && ledger.firstPart;
  });
  const written = await mapConcurrent(unknown, QUERY_CONCURRENCY, (w) =>
    partsWritten(db, tableName, w, report),
  );
  unknown.forEach((w, i) => {
    if (written[i]! > 0) found.get(windowId(w))!.started = { upTo: written[i]! };
  });
  for (const closed of windows) {
    const id = windowId(closed);
    const ledger = found.get(id);
    if (ledger?.synced) {
      check.synced.push(closed);
      continue;
    }
    check.toWrite.push(closed);
    if (ledger?.started === undefined) continue;
    // A progress item read back, or the parts counted of an attempt that saved none.
    check.started.set(id, { ...ledger.started, saved: ledger.started.progress !== undefined });
  }
  const highest = Math.max(...windows.map((w) => w.window));
  if (watermark === undefined || highest > watermark) {
    await raiseWatermark(db, tableName, key, highest, options.nowMs, report);
  }
  return check;
}

/** Counts the ledger's read units into the report. */
const readUnitsInto = (report: RunReport) => (units: number) => {
  report.ledgerReadUnits = (report.ledgerReadUnits ?? 0) + units;
};

async function readWatermark(
  db: DocumentClient,
  tableName: string,
  key: WatermarkKey,
  report: RunReport,
): Promise<number | undefined> {
  const item = await getItem(db, tableName, key, {
    consistentRead: true,
    onReadUnits: readUnitsInto(report),
  });
  const window = item?.window;
  return typeof window === "number" ? window : undefined;
}

/** Raises the watermark to `window` (never lowers it: a concurrent run may have gone higher). */
async function raiseWatermark(
  db: DocumentClient,
  tableName: string,
  key: WatermarkKey,
  window: number,
  nowMs: number,
  report: RunReport,
): Promise<void> {
  try {
    await updateItem(db, tableName, key, {
      expression: "SET #window = :window, #type = :type, #ttl = :ttl",
      condition: "attribute_not_exists(#window) OR #window < :window",
      names: { "#window": "window", "#type": "type", "#ttl": "ttl" },
      values: {
        ":window": window,
        ":type": SYNC_WATERMARK_ITEM_TYPE,
        // Refreshed by every run that raises it; a database no run syncs any more goes.
        ":ttl": Math.floor(nowMs / 1000) + LEDGER_KEEP_SEC,
      },
      onWriteUnits: (units) => {
        report.writeUnits += units;
      },
    });
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/** What the ledger holds of a window a run touched. */
interface LedgerItems {
  /** Its snapshot is there. */
  synced: boolean;
  /** Its progress item, or the parts an attempt without one left. */
  started?: Omit<StartedWindow, "saved">;
  /** Its first viewing-records item is there. */
  firstPart: boolean;
}

/**
 * The snapshot, progress and first records item of `windows`, consistently read, by window id
 * (BATCH_GET_MAX_KEYS keys a call, QUERY_CONCURRENCY calls at once).
 */
async function readLedgerItems(
  db: DocumentClient,
  tableName: string,
  windows: readonly ClosedSlotWindow[],
  report: RunReport,
): Promise<Map<string, LedgerItems>> {
  const found = new Map<string, LedgerItems>();
  const owner = new Map<string, LedgerItems>();
  const keys: Record<string, string>[] = [];
  for (const w of windows) {
    const entry: LedgerItems = { synced: false, firstPart: false };
    found.set(windowId(w), entry);
    const startMs = windowStartMs(w.window);
    for (const key of [
      snapshotKeys(w.stageId, startMs),
      windowProgressKeys(w.stageId, startMs),
      viewingRecordsKeys(w.stageId, startMs, 0),
    ]) {
      owner.set(`${key.pk}\n${key.sk}`, entry);
      keys.push(key);
    }
  }
  const chunks: Record<string, unknown>[][] = [];
  for (let start = 0; start < keys.length; start += BATCH_GET_MAX_KEYS) {
    chunks.push(keys.slice(start, start + BATCH_GET_MAX_KEYS));
  }
  await mapConcurrent(chunks, QUERY_CONCURRENCY, async (chunk) => {
    let pending = chunk;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > MAX_ATTEMPTS) {
        throw new Error(`DynamoDB left ${pending.length} ledger keys unread`);
      }
      if (attempt > 1) await sleep(Math.random() * 50 * 2 ** attempt);
      const { items, unprocessed } = await batchGetItems(db, tableName, pending, {
        consistentRead: true,
        onReadUnits: readUnitsInto(report),
      });
      for (const item of items) {
        const entry = owner.get(`${item.pk}\n${item.sk}`);
        if (entry === undefined) continue;
        if (item.type === VIEWING_RECORDS_ITEM_TYPE) entry.firstPart = true;
        else if (item.type === SNAPSHOT_ITEM_TYPE) entry.synced = true;
        else entry.started = parseProgressItem(item);
      }
      pending = unprocessed;
    }
  });
  return found;
}

/**
 * The parts of a window's viewing records an attempt without progress left (one Query of the
 * window's keys): one past the highest part number, 0 when there is none.
 */
async function partsWritten(
  db: DocumentClient,
  tableName: string,
  closed: ClosedSlotWindow,
  report: RunReport,
): Promise<number> {
  let upTo = 0;
  const items = queryItems(db, {
    tableName,
    partition: viewingRecordsPartition(closed.stageId),
    sortKey: { beginsWith: viewingRecordsWindowPrefix(windowStartMs(closed.window)) },
    attributes: ["sk"],
    consistentRead: true,
    onReadUnits: readUnitsInto(report),
  });
  for await (const item of items) {
    upTo = Math.max(upTo, viewingRecordsPart(String(item.sk)) + 1);
  }
  return upTo;
}
