/**
 * The heartbeat for a stage this isolate cannot vouch for (not cached, changed since, or
 * refusing while a registry check is due): in one request, read the stage and the registry
 * state and, only if the stage is live (and allows this kind of viewer), record the heartbeat.
 * Billed as EVAL + 6 commands (8 with the audit trail); it runs about once per stage per isolate
 * per registry change, and the usual heartbeat is the 2-command pipeline in heartbeat.ts.
 *
 * The stage's JSON is never decoded: Redis' cjson refuses some strings JavaScript's
 * JSON.stringify writes (a lone surrogate in a title), which once made every heartbeat of such a
 * stage fail. The gates are found as plain text instead, which is exact for JSON that
 * JSON.stringify wrote (no whitespace): inside a JSON string every `"` is escaped as `\"`, so
 * the text `"status":"live"` can only be the member itself, never part of a title.
 *
 * An empty watch member (a paused or buffering player) marks no slot: present, not credited.
 *
 * Returns { stage JSON or nil, marker `m`, registry version `v`, restored-at `rs`, estimate
 * `e:<stage>`, live count or -1 when nothing was recorded }.
 */
export const HEARTBEAT_ON_CACHE_MISS_SCRIPT = `
local stageKey, presenceKey, watchKey = KEYS[1], KEYS[2], KEYS[3]
local markerKey, versionKey, restoredAtKey = KEYS[4], KEYS[5], KEYS[6]
local estimateKey, auditKey = KEYS[7], KEYS[8]
local now, viewer, watchMember = ARGV[1], ARGV[2], ARGV[3]
local countFrom, anonymous = ARGV[4], ARGV[5]
local presenceExpirySec, watchExpirySec = ARGV[6], ARGV[7]

local found = redis.call('MGET', stageKey, markerKey, versionKey, restoredAtKey, estimateKey)
local stage = found[1]
local refused = {stage, found[2], found[3], found[4], found[5], -1}
if not stage then return refused end
local live = string.find(stage, '"status":"live"', 1, true)
local anonymousAllowed = string.find(stage, '"allowAnonymous":true', 1, true)
if not live or (anonymous == '1' and not anonymousAllowed) then return refused end

redis.call('ZADD', presenceKey, now, viewer)
if watchMember ~= '' then redis.call('ZADD', watchKey, 0, watchMember) end
redis.call('EXPIRE', presenceKey, presenceExpirySec)
redis.call('EXPIRE', watchKey, watchExpirySec)
if string.find(stage, '"auditTrail":true', 1, true) then
  redis.call('XADD', auditKey, '*', 'v', viewer, 't', now)
  redis.call('EXPIRE', auditKey, watchExpirySec)
end
local count = redis.call('ZCOUNT', presenceKey, countFrom, '+inf')
return {stage, found[2], found[3], found[4], found[5], count}
`;
