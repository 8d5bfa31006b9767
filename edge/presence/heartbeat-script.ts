import { viewerKind } from "@viewer-presence/shared/heartbeat-acceptance";
import {
  INDEX_KEY_EXPIRY_SEC,
  type RedisKeys,
  WATCH_KEY_EXPIRY_SEC,
} from "@viewer-presence/shared/redis-keys";
import { epochAt } from "@viewer-presence/shared/slot-bitmaps";
import { parseEstimate, type RestoreEstimate } from "@viewer-presence/shared/snapshot-estimate";
import { type Stage, toStage } from "@viewer-presence/shared/stage";
import { slotAt, windowIndex } from "@viewer-presence/shared/windows";
import { isNil, type RegistryCheck, registryCheckOf, stageAndIndexKeys } from "./registry-check";

/**
 * The Lua scripts of the presence layout (shared/slot-bitmaps.ts). The usual heartbeat runs
 * none: it is one BITFIELD in a pipeline (heartbeat.ts). These run when that is not enough.
 */

/**
 * What HEARTBEAT_SCRIPT answers in place of the viewer's index when it wrote nothing: the stage
 * refused the heartbeat (or is not there), spreads over another number of databases than the
 * isolate assumed, or the ticket's index was not handed out.
 */
const NOT_WRITTEN = { refused: -1, elsewhere: -2, unknownIndex: -3 } as const;

/**
 * A heartbeat that needs more than a BITFIELD: its stage is not vouched for by the isolate
 * (not cached, changed since, or refusing while a registry check is due: ARGV[1] = '1'), its
 * viewer has no index yet this epoch (no valid ticket: ARGV[4] = ''), or its ticket names an
 * index the isolate cannot vouch for (ARGV[14], the ticket's generation). In one request it
 * checks the stage, checks such an index against the index list (MGET m g, LLEN: a ticket made
 * with the viewer-token secret outside the edge could name any index, and BITFIELD would grow
 * the bitmap to it), finds or hands out the viewer's index (HGET, else RPUSH + HSET), and sets
 * the viewer's bits in the slot bitmap. Billed as EVALSHA + HGET + BITFIELD for a known viewer,
 * + RPUSH + HSET for a new one, + MGET when it checks the stage, + EXPIRE for a slot this isolate
 * has not given one yet (+ 3 for an epoch's first viewer, + 2 with the audit trail).
 *
 * The stage's copy is never decoded: Redis' cjson refuses some strings JavaScript's
 * JSON.stringify writes (a lone surrogate in a title), which once made every heartbeat of such a
 * stage fail. Whether it takes this viewer's heartbeat is not decided here either: the copy starts
 * with `{"accepts":"<kinds>"` (shared/stage-copies.ts), the viewer kinds the one rule
 * (shared/heartbeat-acceptance.ts) accepts, and the script looks the viewer's kind up in it. The
 * other gates (`databases`, `auditTrail`) are found as plain text, which is exact for JSON that
 * JSON.stringify wrote (no whitespace): inside a JSON string every `"` is escaped as `\"`, so
 * the text `"auditTrail":true` can only be the member itself, never part of a title.
 *
 * KEYS: stage, marker m, version v, restored-at rs, estimate e, generation g, index ix, index
 * list il, indexed epochs ixs, slot bitmap b, audit stream a.
 * ARGV: check stage ('1'/'0'), viewer kind ('a'/'s', heartbeat-acceptance.ts `viewerKind`), viewer, index or '', credited ('1'/'0'),
 * now (ms), slot expiry (s), index expiry (s), `<stage>:<epoch>`, audit trail ('1'/'0', when
 * the stage is not checked), set the slot's expiry ('1'/'0': not when this isolate already did),
 * the viewer's audience tag `<country>|<device>` (kept with a new viewer's id in the list), the
 * number of databases the isolate assumed the stage spreads over (its `databases`, '1' if none),
 * the generation of the ticket whose index to check ('' when there is none to check).
 *
 * Returns { stage JSON or nil, m, v, rs, e, g (all nil when not checked), index, or one of
 * {@link NOT_WRITTEN}'s codes (nothing written), and the index list's length when the ticket was
 * checked }, decoded by {@link decodeHeartbeatReply}. A checked ticket of another generation than
 * `g`, or with the marker gone, predates a data loss: it is ignored and the viewer looked up, as
 * before.
 */
export const HEARTBEAT_SCRIPT = `
local stageKey, markerKey, versionKey, restoredAtKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local estimateKey, generationKey, indexKey, listKey = KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local indexedEpochsKey, slotKey, auditKey = KEYS[9], KEYS[10], KEYS[11]
local check, viewerKind, viewer, index = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local credited, now, slotExpiry, indexExpiry = ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local stageEpoch, audit, setExpiry = ARGV[9], ARGV[10] == '1', ARGV[11] == '1'
local audience, assumedDatabases, ticketGeneration = ARGV[12], ARGV[13], ARGV[14]
local found = {false, false, false, false, false, false}
if check == '1' then
  found = redis.call('MGET', stageKey, markerKey, versionKey, restoredAtKey, estimateKey, generationKey)
  local stage = found[1]
  local refused = {stage, found[2], found[3], found[4], found[5], found[6], ${NOT_WRITTEN.refused}}
  if not stage then return refused end
  -- A stage spread over another number of databases than the isolate assumed: this viewer may
  -- belong in another database, so nothing is written here (the isolate routes again).
  if (string.match(stage, '"databases":(%d+)') or '1') ~= assumedDatabases then
    refused[7] = ${NOT_WRITTEN.elsewhere}
    return refused
  end
  local accepts = string.match(stage, '^{"accepts":"(%l*)"')
  if not accepts or not string.find(accepts, viewerKind, 1, true) then return refused end
  audit = string.find(stage, '"auditTrail":true', 1, true) ~= nil
end
local listLength = false
if index ~= '' and ticketGeneration ~= '' then
  local marker, generation = found[2], found[6]
  if check ~= '1' then marker, generation = unpack(redis.call('MGET', markerKey, generationKey)) end
  if marker and (generation or '0') == ticketGeneration then
    listLength = redis.call('LLEN', listKey)
    if tonumber(index) >= listLength then
      return {found[1], found[2], found[3], found[4], found[5], found[6], ${NOT_WRITTEN.unknownIndex}}
    end
  else
    index = ''
  end
end
if index == '' then
  index = redis.call('HGET', indexKey, viewer)
  if not index then
    index = redis.call('RPUSH', listKey, viewer .. '|' .. audience) - 1
    redis.call('HSET', indexKey, viewer, index)
    if index == 0 then
      redis.call('EXPIRE', indexKey, indexExpiry)
      redis.call('EXPIRE', listKey, indexExpiry)
      redis.call('SADD', indexedEpochsKey, stageEpoch)
    end
  end
end
index = tonumber(index)
if credited == '1' then
  redis.call('BITFIELD', slotKey, 'SET', 'u2', '#' .. index, 3)
else
  redis.call('BITFIELD', slotKey, 'SET', 'u1', 2 * index, 1)
end
if setExpiry then redis.call('EXPIRE', slotKey, slotExpiry) end
if audit then
  redis.call('XADD', auditKey, '*', 'v', viewer, 't', now)
  redis.call('EXPIRE', auditKey, slotExpiry)
end
return {found[1], found[2], found[3], found[4], found[5], found[6], index, listLength}
`;

/** What one run of HEARTBEAT_SCRIPT records. */
export interface HeartbeatScriptInput {
  stageId: string;
  viewerId: string;
  nowMs: number;
  intervalSec: number;
  /** Check the stage first (the isolate cannot vouch for it). */
  checkStage: boolean;
  anonymous: boolean;
  /** The viewer's index this hour, when known; else the script finds or hands it out. */
  index?: number;
  /**
   * The generation of the ticket `index` came from, when the isolate cannot vouch for that
   * index: the script checks it against the index list before writing.
   */
  ticketGeneration?: string;
  credited: boolean;
  /** The stage keeps an audit trail (read from the stage itself when it is checked). */
  auditTrail: boolean;
  /** Give the slot's bitmap its expiry (not when this isolate already did). */
  setExpiry: boolean;
  /** `<country>|<device>`, kept with a new viewer's id in the index list. */
  audienceTag: string;
  /** The stage's `databases` as the isolate believes (1 when it knows no better). */
  databases: number;
}

/** HEARTBEAT_SCRIPT's call, its KEYS and ARGV in the order the script reads them: one home. */
export function heartbeatScriptCall(keys: RedisKeys, input: HeartbeatScriptInput) {
  const { stageId, nowMs } = input;
  const epoch = epochAt(nowMs);
  return {
    script: HEARTBEAT_SCRIPT,
    keys: [
      ...stageAndIndexKeys(keys, stageId, epoch),
      keys.slotBitmap(stageId, windowIndex(nowMs), slotAt(nowMs, input.intervalSec)),
      keys.audit(stageId),
    ],
    args: [
      input.checkStage ? "1" : "0",
      viewerKind(input.anonymous),
      input.viewerId,
      input.index === undefined ? "" : String(input.index),
      input.credited ? "1" : "0",
      String(nowMs),
      String(WATCH_KEY_EXPIRY_SEC),
      String(INDEX_KEY_EXPIRY_SEC),
      `${stageId}:${epoch}`,
      input.auditTrail ? "1" : "0",
      input.setExpiry ? "1" : "0",
      input.audienceTag,
      String(input.databases),
      input.ticketGeneration ?? "",
    ],
    commands: heartbeatScriptCommands(input),
  };
}

/**
 * The commands HEARTBEAT_SCRIPT is billed on its usual path (see the script): without an index,
 * a viewer new to the epoch (a page's first heartbeat, or the hour's first one).
 */
function heartbeatScriptCommands(input: HeartbeatScriptInput): number {
  const checkTicket = input.index !== undefined && input.ticketGeneration !== undefined;
  return (
    1 + // EVALSHA
    (input.checkStage ? 1 : 0) + // MGET of the stage and registry
    (checkTicket ? (input.checkStage ? 0 : 1) + 1 : 0) + // MGET m g (unless read), LLEN
    (input.index === undefined ? 3 : 0) + // HGET, RPUSH, HSET
    1 + // BITFIELD
    (input.setExpiry ? 1 : 0) +
    (input.auditTrail ? 1 + (input.setExpiry ? 1 : 0) : 0) // XADD, EXPIRE
  );
}

/** HEARTBEAT_SCRIPT's reply, by name. */
export interface HeartbeatScriptReply {
  /** What the script read when it checked the stage (`checkStage`); undefined when it did not. */
  checked:
    | {
        /** The stage's copy, undefined when there is none. */
        stage: Stage | undefined;
        registry: RegistryCheck;
        /** The stage's restore estimate, when Redis holds one. */
        estimate: RestoreEstimate | undefined;
      }
    | undefined;
  result:
    | {
        kind: "written";
        /** The viewer's index this epoch. */
        index: number;
        /** The index list's length, when the script checked the ticket's index against it. */
        listLength: number | undefined;
      }
    /** The stage is not there (`checked.stage` undefined), or refuses the heartbeat. */
    | { kind: "refused" }
    | { kind: "elsewhere" }
    | { kind: "unknown-index" };
}

/** Decodes HEARTBEAT_SCRIPT's reply; `checkedStage`: whether the call asked it to check the stage. */
export function decodeHeartbeatReply(reply: unknown, checkedStage: boolean): HeartbeatScriptReply {
  const [stageJson, marker, version, restoredAt, estimate, generation, given, listLength] =
    (reply as unknown[] | null) ?? [];
  const checked = checkedStage
    ? {
        stage: isNil(stageJson) ? undefined : toStage(JSON.parse(String(stageJson))),
        registry: registryCheckOf({ marker, version, restoredAt, generation }),
        estimate: parseEstimate(isNil(estimate) ? undefined : String(estimate)),
      }
    : undefined;
  return { checked, result: heartbeatResult(Number(given), listLength) };
}

function heartbeatResult(given: number, listLength: unknown): HeartbeatScriptReply["result"] {
  if (given === NOT_WRITTEN.refused) return { kind: "refused" };
  if (given === NOT_WRITTEN.elsewhere) return { kind: "elsewhere" };
  if (given === NOT_WRITTEN.unknownIndex) return { kind: "unknown-index" };
  return {
    kind: "written",
    index: given,
    listLength: isNil(listLength) ? undefined : Number(listLength),
  };
}

/**
 * `leaveStage`: clears the viewer's present bit in the slot bitmaps within the presence TTL,
 * keeping the watched bits (watch time already earned stays). Per epoch group: the index hash,
 * then the group's bitmaps (ARGV: viewer, then each group's bitmap count). A bitmap that does
 * not exist yet is created zero-filled by BITFIELD, which costs nothing but its bytes: cheaper
 * than an EXISTS before each. Returns 1 when a present bit was set (the viewer was counted).
 */
export const LEAVE_SCRIPT = `
local viewer, counted, at = ARGV[1], 0, 1
for g = 2, #ARGV do
  local n = tonumber(ARGV[g])
  local index = redis.call('HGET', KEYS[at], viewer)
  if index then
    for k = at + 1, at + n do
      local was = redis.call('BITFIELD', KEYS[k], 'SET', 'u1', 2 * tonumber(index), 0)
      if was[1] == 1 then counted = 1 end
    end
  end
  at = at + n + 1
end
return counted
`;

/** Decodes LEAVE_SCRIPT's reply: whether the viewer was counted (a present bit was cleared). */
export function decodeLeaveReply(reply: unknown): boolean {
  return Number(reply) === 1;
}
