import {
  coveredSeconds,
  type Slot,
  slotAt,
  windowIndex,
  windowStartMs,
} from "@viewer-presence/shared/windows";

/** `<viewer>@<window start ISO>`: one viewer's watch time in one window. */
export type WatchKey = string;

const watchKey = (viewerId: string, window: number): WatchKey =>
  `${viewerId}@${new Date(windowStartMs(window)).toISOString()}`;

/**
 * What the service told viewers about their heartbeats, per stage: the slots of those it
 * acknowledged (200) and of those whose outcome the viewer cannot know (503: the write may
 * still have reached Redis). Watch time in DynamoDB must be exactly what the acknowledged
 * slots imply; a 503 may add a slot only when no acknowledged heartbeat covers it.
 */
export function createLedger(intervalSec = 30) {
  const acked = new Map<string, Map<WatchKey, Slot[]>>();
  const unknown = new Map<string, Map<WatchKey, Slot[]>>();
  const add = (book: typeof acked, stageId: string, viewerId: string, atMs: number) => {
    const slots = book.get(stageId) ?? new Map<WatchKey, Slot[]>();
    book.set(stageId, slots);
    const key = watchKey(viewerId, windowIndex(atMs));
    slots.set(key, [...(slots.get(key) ?? []), slotAt(atMs, intervalSec)]);
  };
  const seconds = (book: typeof acked, stageId: string, keep: (key: WatchKey) => boolean) =>
    new Map(
      [...(book.get(stageId) ?? new Map<WatchKey, Slot[]>())]
        .filter(([key]) => keep(key))
        .map(([key, slots]) => [key, coveredSeconds(slots)] as const)
        .sort(([a], [b]) => a.localeCompare(b)),
    );

  return {
    /** Records one answered heartbeat; any status but 200 and 503 is a test failure. */
    record(stageId: string, viewerId: string, atMs: number, status: number) {
      if (status === 200) add(acked, stageId, viewerId, atMs);
      else if (status === 503) add(unknown, stageId, viewerId, atMs);
      else throw new Error(`heartbeat of ${viewerId} answered ${status}`);
    },
    /** Watch seconds the acknowledged heartbeats imply, per viewer and window (`keep` filters). */
    acknowledged(stageId: string, keep: (key: WatchKey) => boolean = () => true) {
      return seconds(acked, stageId, keep);
    },
    /** Watch seconds of heartbeats answered 503, per viewer and window. */
    unacknowledged(stageId: string) {
      return seconds(unknown, stageId, () => true);
    },
    /**
     * The most that may be stored, per viewer and window: the acknowledged slots and those of
     * heartbeats answered 503, whose write may have reached Redis after all.
     */
    possible(stageId: string) {
      const both = new Map<string, Map<WatchKey, Slot[]>>([[stageId, new Map()]]);
      for (const book of [acked, unknown]) {
        for (const [key, slots] of book.get(stageId) ?? []) {
          const merged = both.get(stageId)!;
          merged.set(key, [...(merged.get(key) ?? []), ...slots]);
        }
      }
      return seconds(both, stageId, () => true);
    },
    /** Acknowledged heartbeats, all stages. */
    count() {
      let n = 0;
      for (const slots of acked.values()) for (const list of slots.values()) n += list.length;
      return n;
    },
  };
}

export type Ledger = ReturnType<typeof createLedger>;

/** The window part of a {@link WatchKey}, as epoch ms. */
export function watchKeyWindowMs(key: WatchKey): number {
  return Date.parse(key.slice(key.lastIndexOf("@") + 1));
}

/**
 * How the watch time stored for some windows changed between two reads of the table (`before`,
 * e.g. right after a sync; `after`, after a fault and the runs that followed): `lost` holds each
 * viewer-window stored before and missing or shorter after (by the seconds missing), `added`
 * each one new or longer after (by the seconds added). `inWindows` picks the windows compared.
 * A rerun that neither loses nor doubles what was written leaves both empty.
 */
export function storedChanges(
  before: ReadonlyMap<WatchKey, number>,
  after: ReadonlyMap<WatchKey, number>,
  inWindows: (windowMs: number) => boolean = () => true,
): { lost: Map<WatchKey, number>; added: Map<WatchKey, number> } {
  const lost = new Map<WatchKey, number>();
  const added = new Map<WatchKey, number>();
  for (const [key, seconds] of before) {
    if (!inWindows(watchKeyWindowMs(key))) continue;
    const kept = after.get(key) ?? 0;
    if (kept < seconds) lost.set(key, seconds - kept);
  }
  for (const [key, seconds] of after) {
    if (!inWindows(watchKeyWindowMs(key))) continue;
    const was = before.get(key) ?? 0;
    if (seconds > was) added.set(key, seconds - was);
  }
  return { lost, added };
}

/** The seconds of a {@link storedChanges} map, summed. */
export const totalSeconds = (changes: ReadonlyMap<WatchKey, number>) =>
  [...changes.values()].reduce((sum, seconds) => sum + seconds, 0);

/** Records as stored (a viewer may appear twice), summed per viewer and window. */
export function summed(records: readonly (readonly [WatchKey, number])[]): Map<WatchKey, number> {
  const seconds = new Map<WatchKey, number>();
  for (const [key, watched] of records) seconds.set(key, (seconds.get(key) ?? 0) + watched);
  return seconds;
}
