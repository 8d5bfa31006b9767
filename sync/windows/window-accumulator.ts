import type { Audience } from "@viewer-presence/shared/audience";
import type { Breakdown, PackedViewingRecord } from "@viewer-presence/shared/history-items";
import {
  CONCURRENCY_SLOT_SEC,
  CONCURRENCY_SLOTS,
  coveredSeconds,
  type Slot,
} from "@viewer-presence/shared/windows";

/** One viewer's watch time in one window: `[viewerId, seconds]` (the stored shape, kept short). */
export type WindowRecord = PackedViewingRecord;

/** What a closed watch window adds up to. */
export interface WindowTotals {
  /** Viewers with at least one valid slot. */
  uniqueViewers: number;
  /** Seconds watched, summed over viewers. */
  watchSeconds: number;
  /**
   * Concurrent viewers per 30 s of the window (10 counts): viewers who marked a slot that
   * covers part of those 30 s. Tabs count once.
   */
  slotViewers: number[];
  /** Viewers and seconds by country and by device class. */
  countries: Breakdown;
  devices: Breakdown;
}

/** Adds one viewer's seconds to a breakdown's entry. */
function tally(breakdown: Breakdown, key: string, seconds: number): void {
  const entry = breakdown[key] ?? [0, 0];
  breakdown[key] = [entry[0] + 1, entry[1] + seconds];
}

/**
 * Sums a watch window one viewer at a time: each viewer is credited the union of the slots they
 * marked (tabs that marked the same slot count once), and their record is emitted at once, so
 * memory holds one viewer's slots at a time, whatever the size of the stage.
 */
export function createWindowAccumulator(
  onRecord: (record: WindowRecord) => void,
  /** Totals of the viewers a previous run already wrote (a window resumed), if any. */
  resumed?: WindowTotals,
) {
  const totals: WindowTotals = {
    uniqueViewers: resumed?.uniqueViewers ?? 0,
    watchSeconds: resumed?.watchSeconds ?? 0,
    slotViewers: resumed?.slotViewers.slice() ?? new Array<number>(CONCURRENCY_SLOTS).fill(0),
    countries: { ...resumed?.countries },
    devices: { ...resumed?.devices },
  };
  return {
    /**
     * A viewer and every slot they marked in the window: their record goes out now. A viewer
     * with no slot (present but never playing in the window) has none.
     */
    addViewer(viewerId: string, slots: readonly Slot[], where?: Audience): void {
      if (slots.length === 0) return;
      const seconds = coveredSeconds(slots);
      // The record goes out before it is added to the totals: whoever receives it (the packer,
      // closing a full item) sees the totals of the records before it.
      onRecord([viewerId, seconds]);
      totals.uniqueViewers++;
      totals.watchSeconds += seconds;
      for (const slot of concurrencySlots(slots)) totals.slotViewers[slot]! += 1;
      if (where !== undefined) {
        tally(totals.countries, where.country, seconds);
        tally(totals.devices, where.device, seconds);
      }
    },
    /** The totals so far (a copy). */
    totalsSoFar(): WindowTotals {
      return {
        uniqueViewers: totals.uniqueViewers,
        watchSeconds: totals.watchSeconds,
        slotViewers: totals.slotViewers.slice(),
        countries: { ...totals.countries },
        devices: { ...totals.devices },
      };
    },
    /** The totals, final once every viewer is added. */
    finish(): WindowTotals {
      return totals;
    },
  };
}

/** The 30-s concurrency slots a viewer's marked slots overlap, each once. */
function concurrencySlots(slots: readonly Slot[]): Set<number> {
  const covered = new Set<number>();
  for (const { offsetSec, widthSec } of slots) {
    const first = Math.floor(offsetSec / CONCURRENCY_SLOT_SEC);
    const last = Math.ceil((offsetSec + widthSec) / CONCURRENCY_SLOT_SEC) - 1;
    for (let slot = first; slot <= Math.min(last, CONCURRENCY_SLOTS - 1); slot++) covered.add(slot);
  }
  return covered;
}

/** A whole window's records and totals at once, from each viewer's slots (small windows, tests). */
export function summarizeViewers(
  viewers: readonly (readonly [viewerId: string, slots: readonly Slot[]])[],
): WindowTotals & { records: WindowRecord[] } {
  const records: WindowRecord[] = [];
  const accumulator = createWindowAccumulator((record) => records.push(record));
  for (const [viewerId, slots] of viewers) accumulator.addViewer(viewerId, slots);
  return { ...accumulator.finish(), records };
}
