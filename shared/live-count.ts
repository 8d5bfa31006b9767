import type { RedisKeys } from "./redis-keys";
import { presenceSlots } from "./slot-bitmaps";

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
function countGroups(firstKey: number, firstArg: number): string {
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
 * A stage's count made once for all the isolates that serve it (issue 22): when `c:<stage>`
 * (redis-keys.ts `sharedCount`) holds a count made less than ARGV[3] ms ago, that count;
 * otherwise COUNT_SCRIPT's count, left in `c:<stage>` as `<count>:<now>` for ARGV[2] ms. Replies
 * `[<count>:<asOf ms>, 1 when it counted, else 0]` ({@link decodeSharedCountReply}). Billed as
 * EVALSHA + GET when the shared count is fresh, COUNT_SCRIPT + GET + SET when it counts: so the
 * count's cost does not grow with the isolates that serve a stage. ARGV[3] = 0 counts without
 * the GET: a page's first heartbeat, whose answer must include the viewer.
 *
 * KEYS: mask mk, scratch ct, shared count c:<stage>, then the bitmaps of each group in turn.
 * ARGV: now (epoch ms), how long the count is kept (ms), how old a count may be taken (ms), then
 * each group's bitmap count.
 */
export const SHARED_COUNT_SCRIPT = `
local mask, scratch, shared = KEYS[1], KEYS[2], KEYS[3]
if tonumber(ARGV[3]) > 0 then
  local held = redis.call('GET', shared)
  local colon = held and string.find(held, ':', 1, true)
  if colon and tonumber(ARGV[1]) - tonumber(string.sub(held, colon + 1)) < tonumber(ARGV[3]) then
    return {held, 0}
  end
end
${countGroups(4, 4)}
local counted = best .. ':' .. ARGV[1]
redis.call('SET', shared, counted, 'PX', ARGV[2])
return {counted, 1}
`;

/** Decodes COUNT_SCRIPT's reply: the live count (0 when there was nothing to count). */
export function decodeLiveCount(reply: unknown): number {
  return Number(reply ?? 0);
}

/** A script call: the script, its keys, its arguments and the commands it is billed. */
export interface LiveCountCall {
  script: string;
  keys: string[];
  args: string[];
  commands: number;
}

/**
 * The COUNT_SCRIPT call for a stage's live count at `nowMs`: the bitmaps of the slots within the
 * presence TTL, at every slot width heartbeats may be using (the interval in force and the
 * configured one), grouped by epoch.
 */
export function liveCountCall(
  keys: RedisKeys,
  stageId: string,
  nowMs: number,
  presenceTtlSec: number,
  widthsSec: readonly number[],
): LiveCountCall {
  const groups = presenceSlots(nowMs, presenceTtlSec, widthsSec);
  return {
    script: COUNT_SCRIPT,
    keys: [
      keys.presenceMask(),
      keys.countScratch(),
      ...groups.flatMap((group) =>
        group.slots.map(({ window, slot }) => keys.slotBitmap(stageId, window, slot)),
      ),
    ],
    args: groups.map((group) => String(group.slots.length)),
    // EVALSHA + BITOP, STRLEN, BITOP, BITCOUNT a group (the mask's rare growth left out).
    commands: 1 + 4 * groups.length,
  };
}

/**
 * SHARED_COUNT_SCRIPT's call: the count {@link liveCountCall} makes, unless `c:<stage>` holds one
 * younger than `takeWithinMs` (0: count without looking); kept there for `keepMs`. Its billed
 * commands are the most it may cost (when it counts).
 */
export function sharedCountCall(
  keys: RedisKeys,
  stageId: string,
  {
    nowMs,
    presenceTtlSec,
    widthsSec,
    keepMs,
    takeWithinMs,
  }: {
    nowMs: number;
    presenceTtlSec: number;
    widthsSec: readonly number[];
    keepMs: number;
    takeWithinMs: number;
  },
): LiveCountCall {
  const count = liveCountCall(keys, stageId, nowMs, presenceTtlSec, widthsSec);
  const [mask, scratch, ...bitmaps] = count.keys;
  return {
    script: SHARED_COUNT_SCRIPT,
    keys: [mask!, scratch!, keys.sharedCount(stageId), ...bitmaps],
    args: [String(nowMs), String(keepMs), String(takeWithinMs), ...count.args],
    commands: count.commands + (takeWithinMs > 0 ? 2 : 1),
  };
}

/** A shared count `c:<stage>` as read (MGET, SHARED_COUNT_SCRIPT), or undefined when there is none. */
export function decodeSharedCount(value: unknown): { live: number; asOfMs: number } | undefined {
  if (value === null || value === undefined) return undefined;
  const [live, asOfMs] = String(value).split(":").map(Number);
  if (!Number.isInteger(live) || !Number.isFinite(asOfMs)) return undefined;
  return { live: live!, asOfMs: asOfMs! };
}

/** SHARED_COUNT_SCRIPT's reply: the count, its time, and whether this call counted it. */
export function decodeSharedCountReply(
  reply: unknown,
): { live: number; asOfMs: number; counted: boolean } | undefined {
  const [value, counted] = Array.isArray(reply) ? reply : [];
  const shared = decodeSharedCount(value);
  return shared === undefined ? undefined : { ...shared, counted: Number(counted) === 1 };
}
