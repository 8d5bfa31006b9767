/**
 * Time windows and watch-time slots.
 *
 * Watch time is kept per stage per 5-minute window (aligned to the epoch, so every trigger of
 * the sync job agrees on which windows are closed). Inside a window, a heartbeat marks the
 * *slot* it falls in: slots start at the window's start and are one heartbeat interval wide,
 * clipped at the window's end. A viewer's watch time in a window is the length of the union of
 * the slots they marked, so several tabs (which mark the same slots) are credited once, and no
 * viewer is ever credited more than wall-clock time, whatever the interval did meanwhile.
 */
/** Length of a watch-time window, in ms (5 minutes, the sync job's period). */
export declare const WINDOW_MS = 300000;
/**
 * An hour and a UTC day, in ms: the periods the sync job rolls windows up into, and an hour is
 * the life of a viewer index (slot-bitmaps.ts). A window must divide an hour (windows.test.ts).
 */
export declare const HOUR_MS = 3600000;
export declare const DAY_MS: number;
/**
 * When the sync job runs: one minute past each window's end, every 5 minutes (a window counts as
 * closed 10 s after its end, and at :00/:05 the run would find it still open). The Deno entry and
 * the demo use this; `wrangler.toml`'s `crons` must hold the same (a test checks it).
 */
export declare const SYNC_CRON = "1-59/5 * * * *";
/** The window a moment falls in, as a whole number (epoch ms / {@link WINDOW_MS}). */
export declare function windowIndex(nowMs: number): number;
/** A window's first millisecond. */
export declare function windowStartMs(index: number): number;
/** Length of a concurrency slot, in s: snapshots count viewers per 30 s of their window. */
export declare const CONCURRENCY_SLOT_SEC = 30;
/** Concurrency slots in a window (10 in 5 minutes). */
export declare const CONCURRENCY_SLOTS: number;
/** The slot a heartbeat marks: its offset from the window start and its width, in seconds. */
export interface Slot {
    offsetSec: number;
    widthSec: number;
}
/** The slot of a heartbeat at `nowMs` when viewers beat every `intervalSec` seconds. */
export declare function slotAt(nowMs: number, intervalSec: number): Slot;
/** Seconds covered by the union of slots (overlaps counted once). */
export declare function coveredSeconds(slots: readonly Slot[]): number;
