import type { PackedViewingRecord } from "../shared/history-items";
import { parseWatchMember, watchMemberViewer } from "../shared/redis-keys";
import { coveredSeconds, type Slot } from "../shared/windows";

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
}

/**
 * Sums a watch window read in member order, where every viewer's members are side by side:
 * each viewer is credited the union of the slots they marked (tabs that marked the same slot
 * count once), and their record is emitted as soon as the next viewer starts, so memory holds
 * one viewer's slots at a time, whatever the size of the stage.
 */
export function createWindowAccumulator(onRecord: (record: WindowRecord) => void) {
  const totals: WindowTotals = { uniqueViewers: 0, watchSeconds: 0, malformedFields: 0 };
  let viewer: string | undefined;
  let slots: Slot[] = [];

  const emit = () => {
    if (viewer !== undefined && slots.length > 0) {
      const seconds = coveredSeconds(slots);
      totals.uniqueViewers++;
      totals.watchSeconds += seconds;
      onRecord([viewer, seconds]);
    }
    viewer = undefined;
    slots = [];
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
    /** Emits the last viewer; the totals are final after this. */
    finish(): WindowTotals {
      emit();
      return totals;
    },
  };
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
