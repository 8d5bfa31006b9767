import { viewingRecordsPart } from "@viewer-presence/shared/dynamo-keys";
import type { Breakdown, ViewingRecordsItem } from "@viewer-presence/shared/history-items";
import { CONCURRENCY_SLOTS } from "@viewer-presence/shared/windows";
import type { RunReport } from "../run-report";
import { createWindowAccumulator, type WindowTotals } from "./window-accumulator";
import { createRecordPacker } from "./window-items";

/**
 * How far a previous run got in a window, and the writer that carries it on: one home for both
 * layouts' resumable windows (sync-windows.ts for sorted sets, sync-slot-windows.ts for slot
 * bitmaps). A window too large for one run saves, after each write, the next item's part number
 * and the totals of every viewer written so far, plus where to read on (`next`, or for sorted
 * sets the members removed); the next run starts from there. Sorted-set windows save it in
 * Redis (`wp:`, the hash below); slot-bitmap windows in DynamoDB (ledger-progress.ts), where a
 * Redis data loss cannot take it.
 */
export interface WindowProgress {
  /** Slot-bitmap windows: the first viewer index not yet written. */
  next?: number;
  /** Slot-bitmap windows of a stage spread over several databases: the part `next` is in. */
  source?: number;
  part: number;
  totals: Omit<WindowTotals, "malformedFields">;
}

/** A window's progress as the fields of its hash (what {@link parseProgress} reads back). */
export function progressFields(progress: WindowProgress): Record<string, string | number> {
  const { totals } = progress;
  return {
    ...(progress.next === undefined ? {} : { next: progress.next }),
    ...(progress.source === undefined || progress.source === 0 ? {} : { src: progress.source }),
    part: progress.part,
    viewers: totals.uniqueViewers,
    seconds: totals.watchSeconds,
    slots: totals.slotViewers.join(","),
    // Only slot-bitmap windows know their audience.
    ...(Object.keys(totals.countries).length === 0
      ? {}
      : { countries: JSON.stringify(totals.countries), devices: JSON.stringify(totals.devices) }),
  };
}

/** A breakdown saved with a window's progress (JSON), read back; empty when absent or bad. */
function parseBreakdown(json: string | undefined): Breakdown {
  if (json === undefined) return {};
  try {
    const parsed = JSON.parse(json) as unknown;
    return parsed !== null && typeof parsed === "object" ? (parsed as Breakdown) : {};
  } catch {
    return {};
  }
}

/** A progress hash (HGETALL reply, `[field, value, ...]` raw) read back; none when empty. */
export function parseProgress(reply: unknown): WindowProgress | undefined {
  if (!Array.isArray(reply) || reply.length === 0) return undefined;
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < reply.length; i += 2) fields[String(reply[i])] = String(reply[i + 1]);
  const slots = (fields.slots ?? "").split(",").map(Number);
  return {
    next: Number(fields.next ?? 0),
    source: Number(fields.src ?? 0),
    part: Number(fields.part ?? 0),
    totals: {
      uniqueViewers: Number(fields.viewers ?? 0),
      watchSeconds: Number(fields.seconds ?? 0),
      slotViewers:
        slots.length === CONCURRENCY_SLOTS ? slots : new Array(CONCURRENCY_SLOTS).fill(0),
      countries: parseBreakdown(fields.countries),
      devices: parseBreakdown(fields.devices),
    },
  };
}

/**
 * A window being written: its running totals and record packer, resumed from `resumed`, and
 * the progress to save after the next write (`pending`, with `at`: where the layout reads on).
 */
export interface WindowWriter<At> {
  accumulator: ReturnType<typeof createWindowAccumulator>;
  packer: ReturnType<typeof createRecordPacker>;
  /** Set when an item of this window went out: where the window stands once it is written. */
  pending?: WindowProgress & { at: At };
  /** Whether this run saved progress for the window (so its progress hash is deleted too). */
  saved?: boolean;
}

/**
 * Builds a window's writer. Each item the packer fills is handed to `emit`; the item holds
 * every record before the one being added now, so the accumulator's totals (which count a
 * record only after handing it on) are exactly those of the item's viewers, and `position`
 * says where the layout reads on after it.
 */
export function createWindowWriter<At>(
  window: { stageId: string; window: number },
  resumed: WindowProgress | undefined,
  options: { maxItemBytes: number },
  report: RunReport,
  emit: (item: ViewingRecordsItem) => void,
  position: (item: ViewingRecordsItem) => At,
): WindowWriter<At> {
  const writer = {} as WindowWriter<At>;
  writer.packer = createRecordPacker(
    window.stageId,
    window.window,
    options.maxItemBytes,
    (item) => {
      emit(item);
      report.viewingRecordItems++;
      writer.pending = {
        part: viewingRecordsPart(item.sk) + 1,
        totals: writer.accumulator.totalsSoFar(),
        at: position(item),
      };
    },
    resumed?.part ?? 0,
  );
  writer.accumulator = createWindowAccumulator((record) => {
    writer.packer.add(record);
    report.viewingRecords++;
  }, resumed?.totals);
  return writer;
}
