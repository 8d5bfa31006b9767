import type { ViewingRecordsItem } from "@viewer-presence/shared/history-items";
import { CONCURRENCY_SLOTS } from "@viewer-presence/shared/windows";
import type { RunReport } from "../run-report";
import type { ClosedSlotWindow } from "./find-work";
import type { LedgerWindow } from "./ledger-progress";
import type { WindowSource } from "./mark-synced";
import type { StartedWindow } from "./window-ledger";
import { createWindowWriter, type WindowProgress, type WindowWriter } from "./window-progress";

/** Where a window's reading stands: the source, and the index in it. */
interface ReadPosition {
  source: number;
  next: number;
}

/**
 * A window being read: its sources (this run's database, then a spread stage's others, read one
 * after the other), where it stands, its running totals and packer.
 */
export type SlotWindowState = WindowWriter<ReadPosition> &
  LedgerWindow & {
    closed: ClosedSlotWindow;
    sources: WindowSource[];
    /** Viewers in each source's index list (LLEN when the window was first read). */
    lengths: number[];
    /** The source being read; `sources.length` once all are read. */
    source: number;
    /** First index of the source not read yet. */
    next: number;
    /** The index being added (the first one a new item does not hold). */
    current: number;
  };

/** Where a window starts: nothing written. */
const windowStart = (): WindowProgress => ({
  part: 0,
  source: 0,
  next: 0,
  totals: {
    uniqueViewers: 0,
    watchSeconds: 0,
    slotViewers: new Array<number>(CONCURRENCY_SLOTS).fill(0),
    countries: {},
    devices: {},
  },
});

/**
 * A window about to be read: from where an earlier run left it (`started`), or from its start.
 */
export function windowState(
  closed: ClosedSlotWindow,
  sources: WindowSource[],
  lengths: number[],
  started: StartedWindow | undefined,
  options: { maxItemBytes: number },
  report: RunReport,
  emit: (item: ViewingRecordsItem) => void,
): SlotWindowState {
  const resumed = started?.progress;
  const writer = createWindowWriter(closed, resumed, options, report, emit, () => ({
    source: state.source,
    next: state.current,
  }));
  const state: SlotWindowState = Object.assign(writer, {
    closed,
    sources,
    lengths,
    source: resumed?.source ?? 0,
    next: resumed?.next ?? 0,
    current: 0,
    ledger: {
      confirmed: resumed ?? windowStart(),
      upTo: started?.upTo ?? 0,
      saved: started?.saved ?? false,
    },
  });
  nextSource(state);
  return state;
}

/** Moves past every source read to its end (or empty). */
export function nextSource(state: SlotWindowState): void {
  while (state.source < state.sources.length && state.next >= state.lengths[state.source]!) {
    state.source++;
    state.next = 0;
  }
}
