import {
  INDEX_KEY_EXPIRY_SEC,
  type RedisKeys,
  WATCH_KEY_EXPIRY_SEC,
} from "@viewer-presence/shared/redis-keys";
import { presenceSlots } from "@viewer-presence/shared/slot-bitmaps";
import { parseEstimate, type RestoreEstimate } from "@viewer-presence/shared/snapshot-estimate";
import { type Stage, toStage } from "@viewer-presence/shared/stage";
import type { Slot } from "@viewer-presence/shared/windows";
import { isNil, type RegistryCheck, registryCheckOf, stageAndIndexKeys } from "./registry-check";

/**
 * What FLUSH_SCRIPT answers when it wrote nothing: no stage, Redis lost its data (marker `m`
 * gone), the copy's `accepts` is not what the shard assumed, or the indexes the shard sent
 * belong to another data generation than `g`.
 */
const NOT_WRITTEN = { refused: -1, lost: -2, changed: -3, stale: -4 } as const;
/** Values a Lua `unpack` is given at most: Redis' limit is near 8,000 (LUAI_MAXCSTACK). */
const UNPACK_CHUNK = 6_000;

/**
 * A presence shard's flush (edge/presence-shard.ts): every viewer of its sockets written into
 * the slot bitmap in the layout HTTP heartbeats write (shared/slot-bitmaps.ts), in one script
 * whose number of commands does not grow with the viewers but by one BITFIELD (and one HMGET,
 * RPUSH and HSET for new viewers) per 1,500 of them (each chunk of at most {@link UNPACK_CHUNK}
 * values, below Lua's unpack limit).
 *
 * It checks, as HEARTBEAT_SCRIPT does, the stage (its copy's leading `accepts`: the one rule,
 * shared/heartbeat-acceptance.ts) and the registry (marker `m`, generation `g`; nothing is
 * written when either says the shard's view is out of date); it gives an index to viewers with
 * none this hour (HMGET: a viewer already indexed by an HTTP heartbeat keeps that index, so both
 * transports count it once; RPUSH `viewer|audience` of the rest; HSET; on the epoch's first
 * index EXPIRE ix/il and SADD ixs); it sets present (and watched, while playing) bits in each
 * slot bitmap given (the current slot, and a slot whose flush failed, written late); and it
 * clears the present bits of viewers who left within the presence TTL, as LEAVE_SCRIPT does.
 *
 * KEYS: stage, m, v, rs, e, g, ix, il, ixs (of the current epoch), the slot bitmaps to write,
 * then per leave group its epoch's index hash and its bitmaps.
 * ARGV: accepts assumed, generation of the known indexes ('' when none is sent), `<stage>:<epoch>`,
 * index expiry (s), slot expiry (s), then the counts: slot bitmaps, known playing, known paused,
 * new viewers, leaving viewers; then the lists: known playing indexes, known paused indexes,
 * new viewers as (id, audience tag, '1' playing / '0'), leaving viewer ids, each leave group's
 * number of bitmaps.
 *
 * Returns { stage JSON, m, v, rs, e, g, status (1 written, or a {@link NOT_WRITTEN} code), the
 * new viewers' indexes in the order sent }, decoded by {@link decodeFlushReply}.
 */
export const FLUSH_SCRIPT = `
local chunk = ${UNPACK_CHUNK}
local found = redis.call('MGET', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6])
local function answer(status, extra) return {found[1], found[2], found[3], found[4], found[5], found[6], status, extra or {}} end
if not found[2] then return answer(${NOT_WRITTEN.lost}) end
local stage = found[1]
if not stage then return answer(${NOT_WRITTEN.refused}) end
local accepts = string.match(stage, '^{"accepts":"(%l*)"') or ''
if accepts ~= ARGV[1] then return answer(${NOT_WRITTEN.changed}) end
if ARGV[2] ~= '' and (found[6] or '0') ~= ARGV[2] then return answer(${NOT_WRITTEN.stale}) end
local indexKey, listKey, epochsKey = KEYS[7], KEYS[8], KEYS[9]
local stageEpoch, indexExpiry, slotExpiry = ARGV[3], ARGV[4], ARGV[5]
local nSlots, nPlaying, nPaused = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local nNew, nLeaving = tonumber(ARGV[9]), tonumber(ARGV[10])
local at = 11
local function take(n) local list = {} for i = 1, n do list[i] = ARGV[at + i - 1] end at = at + n return list end
local function chunks(list, size, call) for i = 1, #list, size do call(i, math.min(i + size - 1, #list)) end end
local playing, paused = take(nPlaying), take(nPaused)
local fresh, leaving = take(3 * nNew), take(nLeaving)
-- New viewers: the index an HTTP heartbeat gave them this hour, else a new one.
local ids, given = {}, {}
for i = 1, nNew do ids[i] = fresh[3 * i - 2] end
chunks(ids, chunk, function(i, j)
  local part = redis.call('HMGET', indexKey, unpack(ids, i, j))
  for k = 1, #part do given[i + k - 1] = part[k] end
end)
local entries, owners = {}, {}
for i = 1, nNew do
  if not given[i] then entries[#entries + 1] = ids[i] .. '|' .. fresh[3 * i - 1]; owners[#owners + 1] = i end
end
local fields = {}
chunks(entries, chunk, function(i, j)
  local length = redis.call('RPUSH', listKey, unpack(entries, i, j))
  local first = length - (j - i + 1)
  if first == 0 then
    redis.call('EXPIRE', indexKey, indexExpiry)
    redis.call('EXPIRE', listKey, indexExpiry)
    redis.call('SADD', epochsKey, stageEpoch)
  end
  for k = i, j do
    local owner = owners[k]
    given[owner] = first + k - i
    fields[#fields + 1] = ids[owner]; fields[#fields + 1] = given[owner]
  end
end)
chunks(fields, chunk, function(i, j) redis.call('HSET', indexKey, unpack(fields, i, j)) end)
-- The bits: u2 = 3 (present, watched) while playing, else only the present bit.
local ops, indexes = {}, {}
local function op(index, credited)
  if credited then
    ops[#ops + 1] = 'SET'; ops[#ops + 1] = 'u2'; ops[#ops + 1] = '#' .. index; ops[#ops + 1] = 3
  else
    ops[#ops + 1] = 'SET'; ops[#ops + 1] = 'u1'; ops[#ops + 1] = 2 * tonumber(index); ops[#ops + 1] = 1
  end
end
for i = 1, #playing do op(playing[i], true) end
for i = 1, #paused do op(paused[i], false) end
for i = 1, nNew do indexes[i] = tonumber(given[i]); op(given[i], fresh[3 * i] == '1') end
for s = 10, 9 + nSlots do
  chunks(ops, chunk, function(i, j) redis.call('BITFIELD', KEYS[s], unpack(ops, i, j)) end)
  redis.call('EXPIRE', KEYS[s], slotExpiry)
end
-- Viewers who left: their present bits within the presence TTL cleared, per epoch group.
local key = 10 + nSlots
while at <= #ARGV and #leaving > 0 do
  local n = tonumber(ARGV[at]); at = at + 1
  local left, clears = {}, {}
  chunks(leaving, chunk, function(i, j)
    local part = redis.call('HMGET', KEYS[key], unpack(leaving, i, j))
    for k = 1, #part do if part[k] then left[#left + 1] = tonumber(part[k]) end end
  end)
  for i = 1, #left do clears[#clears + 1] = 'SET'; clears[#clears + 1] = 'u1'; clears[#clears + 1] = 2 * left[i]; clears[#clears + 1] = 0 end
  for b = key + 1, key + n do
    chunks(clears, chunk, function(i, j) redis.call('BITFIELD', KEYS[b], unpack(clears, i, j)) end)
  end
  key = key + n + 1
end
return answer(1, indexes)
`;

/** A slot of a window (a slot bitmap of the shard's stage). */
export type WindowSlot = Slot & { window: number };

/** What one flush writes. */
export interface FlushInput {
  stageId: string;
  nowMs: number;
  /** The epoch (hour) the indexes and the new viewers belong to. */
  epoch: number;
  /** The `accepts` of the stage's copy the shard last saw. */
  accepts: string;
  /** The generation of `playing` and `paused` indexes (ignored when both are empty). */
  generation: string | undefined;
  /** The slot bitmaps to write: the current slot's, and one written late. */
  slots: WindowSlot[];
  /** Indexes of known viewers playing / present only. */
  playing: number[];
  paused: number[];
  /** Viewers with no index this epoch yet. */
  fresh: { viewerId: string; audienceTag: string; playing: boolean }[];
  /** Viewers who left the shard since its last flush. */
  leaving: string[];
  presenceTtlSec: number;
  /** The slot widths counted (heartbeat-cadence.ts `countedWidthsSec`). */
  widthsSec: readonly number[];
}

/** FLUSH_SCRIPT's call: its KEYS and ARGV in the order the script reads them. */
export function flushScriptCall(keys: RedisKeys, input: FlushInput) {
  const { stageId, epoch } = input;
  const known = input.playing.length + input.paused.length > 0;
  const groups =
    input.leaving.length === 0
      ? []
      : presenceSlots(input.nowMs, input.presenceTtlSec, input.widthsSec);
  return {
    script: FLUSH_SCRIPT,
    commands: flushCommands(input, groups),
    keys: [
      ...stageAndIndexKeys(keys, stageId, epoch),
      ...input.slots.map((slot) => keys.slotBitmap(stageId, slot.window, slot)),
      ...groups.flatMap((group) => [
        keys.viewerIndex(stageId, group.epoch),
        ...group.slots.map(({ window, slot }) => keys.slotBitmap(stageId, window, slot)),
      ]),
    ],
    args: [
      input.accepts,
      known ? (input.generation ?? "0") : "",
      `${stageId}:${epoch}`,
      String(INDEX_KEY_EXPIRY_SEC),
      String(WATCH_KEY_EXPIRY_SEC),
      ...[input.slots, input.playing, input.paused, input.fresh, input.leaving].map((list) =>
        String(list.length),
      ),
      ...input.playing.map(String),
      ...input.paused.map(String),
      ...input.fresh.flatMap((viewer) => [
        viewer.viewerId,
        viewer.audienceTag,
        viewer.playing ? "1" : "0",
      ]),
      ...input.leaving,
      ...groups.map((group) => String(group.slots.length)),
    ],
  };
}

/**
 * The commands FLUSH_SCRIPT is billed on its usual path, for the edge's command budget: EVALSHA,
 * MGET; for new viewers an HMGET, RPUSH and HSET per chunk; per slot bitmap a BITFIELD per chunk
 * and an EXPIRE; per leave group an HMGET per chunk and a BITFIELD per bitmap and chunk. (An
 * epoch's first index adds two EXPIREs and a SADD once an hour: not declared.)
 */
function flushCommands(
  input: FlushInput,
  groups: readonly { slots: readonly unknown[] }[],
): number {
  const chunks = (values: number) => Math.ceil(values / UNPACK_CHUNK);
  const fresh = input.fresh.length;
  const bits = input.playing.length + input.paused.length + fresh;
  const leaving = input.leaving.length;
  return (
    2 +
    (fresh > 0 ? chunks(fresh) + chunks(fresh) + chunks(2 * fresh) : 0) +
    input.slots.length * (chunks(4 * bits) + 1) +
    (leaving > 0
      ? groups.reduce(
          (sum, group) => sum + chunks(leaving) + group.slots.length * chunks(4 * leaving),
          0,
        )
      : 0)
  );
}

/** FLUSH_SCRIPT's reply, by name. */
export interface FlushReply {
  /** The stage's copy, undefined when there is none. */
  stage: Stage | undefined;
  registry: RegistryCheck;
  estimate: RestoreEstimate | undefined;
  result:
    | { kind: "written"; freshIndexes: number[] }
    | { kind: "refused" | "lost" | "changed" | "stale" };
}

/** Decodes FLUSH_SCRIPT's reply. */
export function decodeFlushReply(reply: unknown): FlushReply {
  const [stageJson, marker, version, restoredAt, estimate, generation, status, indexes] =
    (reply as unknown[] | null) ?? [];
  return {
    stage: isNil(stageJson) ? undefined : toStage(JSON.parse(String(stageJson))),
    registry: registryCheckOf({ marker, version, restoredAt, generation }),
    estimate: parseEstimate(isNil(estimate) ? undefined : String(estimate)),
    result: flushResult(Number(status), indexes),
  };
}

function flushResult(status: number, indexes: unknown): FlushReply["result"] {
  if (status === NOT_WRITTEN.refused) return { kind: "refused" };
  if (status === NOT_WRITTEN.lost) return { kind: "lost" };
  if (status === NOT_WRITTEN.changed) return { kind: "changed" };
  if (status === NOT_WRITTEN.stale) return { kind: "stale" };
  return { kind: "written", freshIndexes: ((indexes as unknown[]) ?? []).map(Number) };
}
