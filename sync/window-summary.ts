import type { PackedViewingRecord } from "../shared/history-items";
import { parseWatchField } from "../shared/redis-keys";
import { coveredSeconds, type Slot } from "../shared/windows";

/** One viewer's watch time in one window: `[viewerId, seconds]` (the stored shape, kept short). */
export type ViewingRecord = PackedViewingRecord;

/** What a closed watch window adds up to. */
export interface WindowSummary {
  /** One record per viewer, sorted by viewer id (UTF-16 code unit order, the same everywhere). */
  records: ViewingRecord[];
  /** Sum of every viewer's seconds. */
  watchSeconds: number;
  /** Fields that were not `<viewer>|<offset s>` = `<width s>` (skipped, counted for the report). */
  malformedFields: number;
}

/**
 * Sums a watch hash (`<viewer>|<slot offset s>` -> slot width s): each viewer is credited the
 * union of the slots they marked, so tabs that marked the same slot count once.
 */
export function summarizeWindow(entries: readonly [string, string][]): WindowSummary {
  const slotsByViewer = new Map<string, Slot[]>();
  let malformedFields = 0;
  for (const [field, value] of entries) {
    const { viewerId, offsetSec } = parseWatchField(field);
    const widthSec = Number(value);
    const valid =
      viewerId !== "" &&
      Number.isInteger(offsetSec) &&
      offsetSec >= 0 &&
      Number.isInteger(widthSec) &&
      widthSec > 0;
    if (!valid) {
      malformedFields++;
      continue;
    }
    let slots = slotsByViewer.get(viewerId);
    if (slots === undefined) {
      slots = [];
      slotsByViewer.set(viewerId, slots);
    }
    slots.push({ offsetSec, widthSec });
  }
  const records: ViewingRecord[] = [...slotsByViewer]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([viewerId, slots]) => [viewerId, coveredSeconds(slots)]);
  const watchSeconds = records.reduce((sum, [, seconds]) => sum + seconds, 0);
  return { records, watchSeconds, malformedFields };
}
