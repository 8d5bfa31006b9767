import { viewingRecordsPart } from "@viewer-presence/shared/dynamo-keys";
import type { ViewingRecordsItem } from "@viewer-presence/shared/history-items";
import type { RunReport } from "../run-report";
import { createWindowAccumulator, type WindowTotals } from "./window-accumulator";
import { createRecordPacker } from "./window-items";

/**
 * How far a previous run got in a window, and the writer that carries it on
 * (sync-slot-windows.ts). A window too large for one run saves, after each write, the next
 * item's part number, the totals of every viewer written so far, and where to read on; the next
 * run starts from there. It is saved in DynamoDB (ledger-progress.ts), where a Redis data loss
 * cannot take it.
 */
export interface WindowProgress {
  /** The first viewer index not yet written. */
  next?: number;
  /** A window of a stage spread over several databases: the database `next` is in. */
  source?: number;
  part: number;
  totals: WindowTotals;
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
