import { presenceSlots } from "./slot-bitmaps.js";
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
export const COUNT_SCRIPT = `
local mask, scratch = KEYS[1], KEYS[2]
${countGroups(3, 1)}
return best
`;
/**
 * COUNT_SCRIPT's counting, the bitmaps' keys from KEYS[firstKey] and the groups' sizes from
 * ARGV[firstArg]: one text for both scripts that count. Leaves the count in `best`.
 */
function countGroups(firstKey, firstArg) {
    return `local best, at = 0, ${firstKey}
for g = ${firstArg}, #ARGV do
  local n = tonumber(ARGV[g])
  local length = redis.call('BITOP', 'OR', scratch, unpack(KEYS, at, at + n - 1))
  at = at + n
  if length > 0 then
    if redis.call('STRLEN', mask) < length then
      redis.call('SET', mask, string.rep('\\170', math.max(length * 2, 4096)))
    end
    redis.call('BITOP', 'AND', scratch, scratch, mask)
    local count = redis.call('BITCOUNT', scratch)
    if count > best then best = count end
  end
end`;
}
/**
 * COUNT_SCRIPT, then the count left for the other isolates: `SET c:<stage> <count>:<now> PX`
 * (redis-keys.ts `sharedCount`), so that an isolate serving the stage reads it with its registry
 * check (one MGET) instead of counting: the count's cost does not grow with the isolates that
 * serve a stage (issue 22). Billed as COUNT_SCRIPT + SET.
 *
 * KEYS: mask mk, scratch ct, shared count c:<stage>, then the bitmaps of each group in turn.
 * ARGV: now (epoch ms), how long the count is shared (ms), then each group's bitmap count.
 */
export const SHARED_COUNT_SCRIPT = `
local mask, scratch, shared = KEYS[1], KEYS[2], KEYS[3]
${countGroups(4, 3)}
redis.call('SET', shared, best .. ':' .. ARGV[1], 'PX', ARGV[2])
return best
`;
/** Decodes COUNT_SCRIPT's (and SHARED_COUNT_SCRIPT's) reply: the live count (0 when there was nothing to count). */
export function decodeLiveCount(reply) {
    return Number(reply ?? 0);
}
/**
 * The COUNT_SCRIPT call for a stage's live count at `nowMs`: the bitmaps of the slots within the
 * presence TTL, at every slot width heartbeats may be using (the interval in force and the
 * configured one), grouped by epoch.
 */
export function liveCountCall(keys, stageId, nowMs, presenceTtlSec, widthsSec) {
    const groups = presenceSlots(nowMs, presenceTtlSec, widthsSec);
    return {
        script: COUNT_SCRIPT,
        keys: [
            keys.presenceMask(),
            keys.countScratch(),
            ...groups.flatMap((group) => group.slots.map(({ window, slot }) => keys.slotBitmap(stageId, window, slot))),
        ],
        args: groups.map((group) => String(group.slots.length)),
    };
}
/**
 * SHARED_COUNT_SCRIPT's call: the count {@link liveCountCall} makes, left in `c:<stage>` for
 * `shareMs` (ms) with `nowMs` as its time.
 */
export function sharedCountCall(keys, stageId, nowMs, presenceTtlSec, widthsSec, shareMs) {
    const count = liveCountCall(keys, stageId, nowMs, presenceTtlSec, widthsSec);
    const [mask, scratch, ...bitmaps] = count.keys;
    return {
        script: SHARED_COUNT_SCRIPT,
        keys: [mask, scratch, keys.sharedCount(stageId), ...bitmaps],
        args: [String(nowMs), String(shareMs), ...count.args],
    };
}
/** A shared count `c:<stage>` as read (MGET), or undefined when there is none. */
export function decodeSharedCount(value) {
    if (value === null || value === undefined)
        return undefined;
    const [live, asOfMs] = String(value).split(":").map(Number);
    if (!Number.isInteger(live) || !Number.isFinite(asOfMs))
        return undefined;
    return { live: live, asOfMs: asOfMs };
}
