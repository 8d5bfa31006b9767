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
import { type Slot } from "./windows.js";
/** Length of an index epoch (an hour), in windows (12 of 5 minutes). */
export declare const EPOCH_WINDOWS: number;
/** The epoch (hour) a window belongs to. Windows never straddle epochs. */
export declare function epochOfWindow(window: number): number;
/** The epoch of a moment. */
export declare function epochAt(nowMs: number): number;
/** First millisecond after an epoch. */
export declare function epochEndMs(epoch: number): number;
/** BITFIELD value written at `#index` (type u2): present, and watched when credited. */
export declare const PRESENT_AND_WATCHED = 3;
/** Byte of the mask that keeps present bits (even bit offsets, most significant first). */
export declare const PRESENT_MASK_BYTE = 170;
/** A slot bitmap's place: its stage, window, and slot within the window. */
export interface SlotBitmap extends Slot {
    stageId: string;
    window: number;
}
/**
 * The slot bitmaps whose slots started in the last `ttlSec` before `nowMs`, for each slot width
 * given (the interval in force, and the configured one while a budget changes it), grouped by
 * epoch: indexes of different epochs are different viewers, so the live count is taken per
 * epoch.
 */
export declare function presenceSlots(nowMs: number, ttlSec: number, widthsSec: readonly number[]): {
    epoch: number;
    slots: {
        window: number;
        slot: Slot;
    }[];
}[];
