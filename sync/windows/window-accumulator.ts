import type { Audience } from "@viewer-presence/shared/audience";
import type { Breakdown, PackedViewingRecord } from "@viewer-presence/shared/history-items";
import { parseWatchMember, watchMemberViewer } from "@viewer-presence/shared/redis-keys";
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
  /** Members that were not `<viewer>|<offset s>|<width s>` (skipped, counted for the report). */
  malformedFields: number;
  /**
   * Concurrent viewers per 30 s of the window (10 counts): viewers who marked a slot that
   * covers part of those 30 s. Tabs count once.
   */
  slotViewers: number[];
  /** Viewers and seconds by country and by device class (slot-bitmap windows only). */
  countries: Breakdown;
  devices: Breakdown;
}

/** Adds one viewer's seconds to a breakdown's entry. */
function tally(breakdown: Breakdown, key: string, seconds: number): void {
  const entry = breakdown[key] ?? [0, 0];
  breakdown[key] = [entry[0] + 1, entry[1] + seconds];
}

/**
 * Sums a watch window read in member order, where every viewer's members are side by side:
 * each viewer is credited the union of the slots they marked (tabs that marked the same slot
 * count once), and their record is emitted as soon as the next viewer starts, so memory holds
 * one viewer's slots at a time, whatever the size of the stage.
 */
export function createWindowAccumulator(
  onRecord: (record: WindowRecord) => void,
  /** Totals of the viewers a previous run already wrote (a window resumed), if any. */
  resumed?: Omit<WindowTotals, "malformedFields">,
) {
  const totals: WindowTotals = {
    uniqueViewers: resumed?.uniqueViewers ?? 0,
    watchSeconds: resumed?.watchSeconds ?? 0,
    malformedFields: 0,
    slotViewers: resumed?.slotViewers.slice() ?? new Array<number>(CONCURRENCY_SLOTS).fill(0),
    countries: { ...resumed?.countries },
    devices: { ...resumed?.devices },
  };
  let viewer: string | undefined;
  let slots: Slot[] = [];
  let audience: Audience | undefined;

  const emit = () => {
    if (viewer !== undefined && slots.length > 0) {
      const seconds = coveredSeconds(slots);
      // The record goes out before it is added to the totals: whoever receives it (the packer,
      // closing a full item) sees the totals of the records before it.
      onRecord([viewer, seconds]);
      totals.uniqueViewers++;
      totals.watchSeconds += seconds;
      for (const slot of concurrencySlots(slots)) totals.slotViewers[slot]! += 1;
      if (audience !== undefined) {
        tally(totals.countries, audience.country, seconds);
        tally(totals.devices, audience.device, seconds);
      }
    }
    viewer = undefined;
    slots = [];
    audience = undefined;
  };

  return {
    add(member: string): void {
      const parsed = parseWatchMember(member);
      if (parsed === undefined) {
        totals.malformedFields++;
        return;
      }
      if (parsed.viewerId !== viewer) {
        emit();
        viewer = watchMemberViewer(member);
      }
      slots.push({ offsetSec: parsed.offsetSec, widthSec: parsed.widthSec });
    },
    /**
     * A viewer whose slots were all read at once (slot bitmaps): their record goes out now. A
     * viewer with no slot (present but never playing in the window) has none.
     */
    addViewer(viewerId: string, viewerSlots: readonly Slot[], where?: Audience): void {
      emit();
      viewer = viewerId;
      slots = [...viewerSlots];
      audience = where;
      emit();
    },
    /** The totals so far (a copy), without the viewer being read. */
    totalsSoFar(): Omit<WindowTotals, "malformedFields"> {
      return {
        uniqueViewers: totals.uniqueViewers,
        watchSeconds: totals.watchSeconds,
        slotViewers: totals.slotViewers.slice(),
        countries: { ...totals.countries },
        devices: { ...totals.devices },
      };
    },
    /** Emits the last viewer; the totals are final after this. */
    finish(): WindowTotals {
      emit();
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

/** A whole window's records and totals at once (small windows, tests). */
export function summarizeMembers(members: readonly string[]): WindowTotals & {
  records: WindowRecord[];
} {
  const records: WindowRecord[] = [];
  const accumulator = createWindowAccumulator((record) => records.push(record));
  for (const member of members) accumulator.add(member);
  return { ...accumulator.finish(), records };
}
