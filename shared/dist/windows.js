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
export const WINDOW_MS = 300_000;
/**
 * An hour and a UTC day, in ms: the periods the sync job rolls windows up into, and an hour is
 * the life of a viewer index (slot-bitmaps.ts). A window must divide an hour (windows.test.ts).
 */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/**
 * When the sync job runs: one minute past each window's end, every 5 minutes (a window counts as
 * closed 10 s after its end, and at :00/:05 the run would find it still open). The Deno entry and
 * the demo use this; `wrangler.toml`'s `crons` must hold the same (a test checks it).
 */
export const SYNC_CRON = "1-59/5 * * * *";
/** The window a moment falls in, as a whole number (epoch ms / {@link WINDOW_MS}). */
export function windowIndex(nowMs) {
    return Math.floor(nowMs / WINDOW_MS);
}
/** A window's first millisecond. */
export function windowStartMs(index) {
    return index * WINDOW_MS;
}
/** Length of a concurrency slot, in s: snapshots count viewers per 30 s of their window. */
export const CONCURRENCY_SLOT_SEC = 30;
/** Concurrency slots in a window (10 in 5 minutes). */
export const CONCURRENCY_SLOTS = WINDOW_MS / 1000 / CONCURRENCY_SLOT_SEC;
/** The slot of a heartbeat at `nowMs` when viewers beat every `intervalSec` seconds. */
export function slotAt(nowMs, intervalSec) {
    const windowSec = WINDOW_MS / 1000;
    const sinceStartSec = Math.floor((nowMs - windowStartMs(windowIndex(nowMs))) / 1000);
    const offsetSec = Math.floor(sinceStartSec / intervalSec) * intervalSec;
    return { offsetSec, widthSec: Math.min(intervalSec, windowSec - offsetSec) };
}
/** Seconds covered by the union of slots (overlaps counted once). */
export function coveredSeconds(slots) {
    const sorted = [...slots].sort((a, b) => a.offsetSec - b.offsetSec);
    let covered = 0;
    let reachedSec = 0;
    for (const { offsetSec, widthSec } of sorted) {
        const endSec = offsetSec + widthSec;
        if (endSec <= reachedSec)
            continue;
        covered += endSec - Math.max(offsetSec, reachedSec);
        reachedSec = endSec;
    }
    return covered;
}
