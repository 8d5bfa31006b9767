/**
 * The heartbeat for a stage this isolate has not seen lately: in one request, read the stage's
 * configuration and, only if it is live (and allows this kind of viewer), record the heartbeat.
 * Billed as EVAL + 6 commands (7 with the audit trail); it runs once per stage per isolate per cache period, and the
 * usual heartbeat is the 2-3 command pipeline in heartbeat.ts.
 *
 * KEYS[1] stage config `s:<stage>`   KEYS[2] presence `p:<stage>`
 * KEYS[3] watch `w:<stage>:<window>` KEYS[4] marker `m`
 * ARGV[1] now (ms)          ARGV[2] viewer id       ARGV[3] watch field `<viewer>|<offset>`
 * ARGV[4] slot width (s)    ARGV[5] count from (ms) ARGV[6] "1" when the viewer is anonymous
 * ARGV[7] presence key expiry (s)                   ARGV[8] watch key expiry (s)
 * KEYS[5] audit stream `a:<stage>`: an event is appended when the stage keeps an audit trail
 *
 * Returns { config JSON or "", marker exists (0/1), live count or -1 when refused }.
 */
export const HEARTBEAT_ON_CACHE_MISS_SCRIPT = `
local config = redis.call('GET', KEYS[1])
if not config then
  return {'', redis.call('EXISTS', KEYS[4]), -1}
end
local stage = cjson.decode(config)
if stage.status ~= 'live' or (ARGV[6] == '1' and stage.allowAnonymous ~= true) then
  return {config, 1, -1}
end
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[3], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[7])
redis.call('EXPIRE', KEYS[3], ARGV[8])
if stage.auditTrail == true then
  redis.call('XADD', KEYS[5], '*', 'v', ARGV[2], 't', ARGV[1])
  redis.call('EXPIRE', KEYS[5], ARGV[8])
end
return {config, 1, redis.call('ZCOUNT', KEYS[2], ARGV[5], '+inf')}
`;
