import type { RedisKeys } from "./redis-keys.js";
/**
 * The live count of a stage: viewers with a present bit in any slot bitmap within the presence
 * TTL. Per epoch group (ARGV: the number of bitmap keys of each), ORs the group's bitmaps into
 * the scratch key, keeps the present bits (AND with the mask `mk`, grown when too short) and
 * counts them; indexes of two epochs are different viewers, so across an hour's start the count
 * is the larger group's. Billed as EVALSHA + 4 commands per epoch group (5 when the mask grows).
 * The scratch key is left as it is (the size of the largest bitmap counted): deleting it would
 * cost a command per count.
 *
 * KEYS: mask mk, scratch ct, then the bitmaps of each group in turn.
 */
export declare const COUNT_SCRIPT: string;
/**
 * COUNT_SCRIPT, then the count left for the other isolates: `SET c:<stage> <count>:<now> PX`
 * (redis-keys.ts `sharedCount`), so that an isolate serving the stage reads it with its registry
 * check (one MGET) instead of counting: the count's cost does not grow with the isolates that
 * serve a stage (issue 22). Billed as COUNT_SCRIPT + SET.
 *
 * KEYS: mask mk, scratch ct, shared count c:<stage>, then the bitmaps of each group in turn.
 * ARGV: now (epoch ms), how long the count is shared (ms), then each group's bitmap count.
 */
export declare const SHARED_COUNT_SCRIPT: string;
/** Decodes COUNT_SCRIPT's (and SHARED_COUNT_SCRIPT's) reply: the live count (0 when there was nothing to count). */
export declare function decodeLiveCount(reply: unknown): number;
/** A script call: the script, its keys and its arguments. */
export interface LiveCountCall {
    script: string;
    keys: string[];
    args: string[];
}
/**
 * The COUNT_SCRIPT call for a stage's live count at `nowMs`: the bitmaps of the slots within the
 * presence TTL, at every slot width heartbeats may be using (the interval in force and the
 * configured one), grouped by epoch.
 */
export declare function liveCountCall(keys: RedisKeys, stageId: string, nowMs: number, presenceTtlSec: number, widthsSec: readonly number[]): LiveCountCall;
/**
 * SHARED_COUNT_SCRIPT's call: the count {@link liveCountCall} makes, left in `c:<stage>` for
 * `shareMs` (ms) with `nowMs` as its time.
 */
export declare function sharedCountCall(keys: RedisKeys, stageId: string, nowMs: number, presenceTtlSec: number, widthsSec: readonly number[], shareMs: number): LiveCountCall;
/** A shared count `c:<stage>` as read (MGET), or undefined when there is none. */
export declare function decodeSharedCount(value: unknown): {
    live: number;
    asOfMs: number;
} | undefined;
