/**
 * The presence layout: slot bitmaps over per-stage viewer indexes (docs/redis-layout.md).
 *
 * Each viewer of a stage gets a small whole number, its index, once per hour (an *epoch*): the
 * hash `ix:<stage>:<epoch>` maps viewer id to index, and the list `il:<stage>:<epoch>` maps
 * index back to viewer id (RPUSH order). The index travels back to the client in a signed
 * ticket (presence-ticket.ts), so a heartbeat needs no lookup: it is ONE command,
 * `BITFIELD b:<stage>:<window>:<offset>:<width> SET u2 #<index> 3`, on the bitmap of the slot
 * it falls in. Every viewer has two bits per slot:
 * - bit 2i, *present*: set by every heartbeat, cleared by `leaveStage`; the live count is the
 *   number of viewers with a present bit in a slot within the presence TTL;
 * - bit 2i+1, *watched*: set by heartbeats while the player plays; watch time is the union of
 *   the slots whose watched bit is set, as with the sorted-set layout before.
 * Tabs of one viewer share the index, so they set the same bits: counted once.
 */
import { HOUR_MS, WINDOW_MS, windowIndex, windowStartMs } from "./windows.js";
/** Length of an index epoch (an hour), in windows (12 of 5 minutes). */
export const EPOCH_WINDOWS = HOUR_MS / WINDOW_MS;
/** The epoch (hour) a window belongs to. Windows never straddle epochs. */
export function epochOfWindow(window) {
    return Math.floor(window / EPOCH_WINDOWS);
}
/** The epoch of a moment. */
export function epochAt(nowMs) {
    return epochOfWindow(windowIndex(nowMs));
}
/** First millisecond after an epoch. */
export function epochEndMs(epoch) {
    return windowStartMs((epoch + 1) * EPOCH_WINDOWS);
}
/** BITFIELD value written at `#index` (type u2): present, and watched when credited. */
export const PRESENT_AND_WATCHED = 3;
/** Byte of the mask that keeps present bits (even bit offsets, most significant first). */
export const PRESENT_MASK_BYTE = 0b1010_1010;
/**
 * The slot bitmaps whose slots started in the last `ttlSec` before `nowMs`, for each slot width
 * given (the interval in force, and the configured one while a budget changes it), grouped by
 * epoch: indexes of different epochs are different viewers, so the live count is taken per
 * epoch.
 */
export function presenceSlots(nowMs, ttlSec, widthsSec) {
    const fromMs = nowMs - ttlSec * 1000;
    const groups = new Map();
    const windowSec = WINDOW_MS / 1000;
    for (let window = windowIndex(fromMs); window <= windowIndex(nowMs); window++) {
        const startMs = windowStartMs(window);
        for (const width of new Set(widthsSec)) {
            for (let offset = 0; offset < windowSec; offset += width) {
                const slot = { offsetSec: offset, widthSec: Math.min(width, windowSec - offset) };
                const slotStartMs = startMs + offset * 1000;
                // Slots that started within the TTL: a viewer drops out between TTL - interval and TTL
                // after their last heartbeat (config keeps the TTL at two intervals or more).
                if (slotStartMs > nowMs || slotStartMs < fromMs)
                    continue;
                const epoch = epochOfWindow(window);
                const group = groups.get(epoch) ?? [];
                groups.set(epoch, group);
                group.push({ window, slot });
            }
        }
    }
    return [...groups].map(([epoch, slots]) => ({ epoch, slots }));
}
