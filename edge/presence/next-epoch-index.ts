import { INDEX_KEY_EXPIRY_SEC, type RedisKeys } from "@viewer-presence/shared/redis-keys";
import { epochAt, epochEndMs } from "@viewer-presence/shared/slot-bitmaps";
import { isNil } from "./registry-check";

/**
 * The next hour's index, handed out early. A ticket names the viewer's index for one epoch
 * (an hour), so at the top of every hour each viewer's first heartbeat used to look its new
 * index up (HEARTBEAT_SCRIPT, about 5 commands instead of 1): 4.78 commands per heartbeat for the
 * first interval of every hour (issue 22). Instead, during the last NEXT_INDEX_LEAD_MS of an
 * hour, each viewer's heartbeats from a moment of its own (a hash of stage and viewer, so
 * viewers spread evenly) also get its index for the next epoch, and the ticket answered carries
 * it (shared/presence-ticket.ts): at the top of the hour that ticket is valid at once, one
 * BITFIELD. Spread over 30 minutes, the hand-outs add about 3 commands per viewer per hour
 * there, some 5 % to each of those minutes at one heartbeat per 30 s, instead of 380 % to one
 * interval.
 *
 * An index handed out early is harmless when the viewer never comes back: it is a list entry
 * whose bits are never set, and the sync job maps only set bits to viewers.
 */
export const NEXT_INDEX_LEAD_MS = 30 * 60_000;
/**
 * The last moments of an hour at which a viewer starts asking: a few intervals before its end,
 * so the heartbeat that hands the index out comes back before the hour turns.
 */
const NEXT_INDEX_MARGIN_MS = 3 * 60_000;

/** FNV-1a over the text, in [0, 1): where in the lead a viewer's hand-out falls. */
function spreadOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) / 2 ** 32;
}

/** Whether, at `nowMs`, this viewer's heartbeats on this stage should get their next-hour index. */
export function nextIndexDue(stageId: string, viewerId: string, nowMs: number): boolean {
  const endMs = epochEndMs(epochAt(nowMs));
  const spanMs = NEXT_INDEX_LEAD_MS - NEXT_INDEX_MARGIN_MS;
  const fromMs = endMs - NEXT_INDEX_LEAD_MS + spreadOf(`${stageId}\n${viewerId}`) * spanMs;
  return nowMs >= fromMs;
}

/**
 * Hands out the viewer's index for the next epoch (RPUSH, then HSETNX), unless another tab got
 * one first (then HGET answers it, and this list entry names nobody's bits). Billed as EVALSHA +
 * RPUSH + HSETNX (+ HGET after a lost race; + EXPIRE x2 and SADD for the epoch's first index).
 * The keys' expiry is the index's, counted from the epoch's start as if handed out then.
 *
 * KEYS: index ix, index list il (of the next epoch), indexed epochs ixs.
 * ARGV: viewer, the viewer's audience tag, index expiry (s), `<stage>:<next epoch>`.
 * Returns { the viewer's next index, the list's length }.
 */
export const NEXT_INDEX_SCRIPT = `
local indexKey, listKey, indexedEpochsKey = KEYS[1], KEYS[2], KEYS[3]
local viewer, audience, indexExpiry, stageEpoch = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local length = redis.call('RPUSH', listKey, viewer .. '|' .. audience)
local index = length - 1
if redis.call('HSETNX', indexKey, viewer, index) == 0 then
  return {tonumber(redis.call('HGET', indexKey, viewer)), length}
end
if index == 0 then
  redis.call('EXPIRE', indexKey, indexExpiry)
  redis.call('EXPIRE', listKey, indexExpiry)
  redis.call('SADD', indexedEpochsKey, stageEpoch)
end
return {index, length}
`;

/** NEXT_INDEX_SCRIPT's call for the epoch after the one `nowMs` falls in. */
export function nextIndexCall(
  keys: RedisKeys,
  input: { stageId: string; viewerId: string; audienceTag: string; nowMs: number },
) {
  const { stageId, nowMs } = input;
  const next = epochAt(nowMs) + 1;
  const earlySec = Math.ceil((epochEndMs(next - 1) - nowMs) / 1000);
  return {
    script: NEXT_INDEX_SCRIPT,
    keys: [keys.viewerIndex(stageId, next), keys.viewerList(stageId, next), keys.indexedEpochs()],
    args: [
      input.viewerId,
      input.audienceTag,
      String(INDEX_KEY_EXPIRY_SEC + earlySec),
      `${stageId}:${next}`,
    ],
    // EVALSHA + RPUSH + HSETNX.
    commands: 3,
  };
}

/** Decodes NEXT_INDEX_SCRIPT's reply. */
export function decodeNextIndex(reply: unknown): { index: number; listLength: number } {
  const [index, length] = (reply as unknown[] | null) ?? [];
  if (isNil(index) || isNil(length)) throw new TypeError("NEXT_INDEX_SCRIPT answered no index");
  return { index: Number(index), listLength: Number(length) };
}
