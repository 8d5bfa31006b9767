import { acceptedViewerKinds } from "./heartbeat-acceptance.js";
/**
 * The text of a copy: the stage's JSON, with `"accepts":"<kinds>"` as its first member (the
 * viewers whose heartbeats it takes, shared/heartbeat-acceptance.ts: what HEARTBEAT_SCRIPT reads
 * at the copy's very start, never searching the JSON) and `"revision":<n>` as its last.
 */
export function stageCopyJson({ stage, revision }) {
    return JSON.stringify({ accepts: acceptedViewerKinds(stage), ...stage, revision });
}
const isSpread = ({ stage }) => (stage.databases ?? 1) > 1;
/**
 * Puts stage copies in force unless Redis holds the same revision or a newer one, and removes
 * the copy of a stage DynamoDB does not have. Raises the registry version when a copy was
 * replaced or removed, so every isolate re-reads the stages it remembers (a copy where there
 * was none needs not: an isolate trusts an absence for one check period only). The copy is never
 * decoded (Redis' cjson refuses some strings JavaScript writes): its revision is found as plain
 * text, the number after `"revision":` at its very end, exact for {@link stageCopyJson}'s output.
 * A copy without one (written before revisions were) counts as revision 0; a copy of the same
 * revision that differs is replaced too (two copies of revision 0).
 *
 * KEYS[1] registry version `v`   KEYS[2] stage set `stages`   KEYS[3] spread stages `spr`
 * KEYS[3 + i] the stage key `s:<id>` of entry i, i = 1..n
 * ARGV[i] entry i's copy, or '' to remove it   ARGV[n + i] its revision   ARGV[2n + i] its id
 * ARGV[3n + i] '1' when it is spread over several databases
 *
 * Returns how many copies were written or removed.
 */
export const PUT_STAGE_COPIES_SCRIPT = `
local versionKey, stagesKey, spreadKey = KEYS[1], KEYS[2], KEYS[3]
local count = #KEYS - 3
local written, replaced = 0, 0
for i = 1, count do
  local key, copy, revision = KEYS[i + 3], ARGV[i], tonumber(ARGV[count + i])
  local id, spread = ARGV[2 * count + i], ARGV[3 * count + i]
  local current = redis.call('GET', key)
  if copy == '' then
    if current then
      redis.call('DEL', key)
      redis.call('SREM', stagesKey, id)
      redis.call('SREM', spreadKey, id)
      written, replaced = written + 1, replaced + 1
    end
  else
    local currentRevision = current and tonumber(string.match(current, '"revision":(%d+)}$') or '0')
    if not current or currentRevision < revision or (currentRevision == revision and current ~= copy) then
      redis.call('SET', key, copy)
      redis.call('SADD', stagesKey, id)
      if spread == '1' then redis.call('SADD', spreadKey, id) end
      written = written + 1
      if current then replaced = replaced + 1 end
    end
  end
end
if replaced > 0 then redis.call('INCR', versionKey) end
return written
`;
/** KEYS and ARGV of {@link PUT_STAGE_COPIES_SCRIPT} for `entries`. */
export function putStageCopiesCall(keys, entries) {
    return {
        keys: [
            keys.registryVersion(),
            keys.stages(),
            keys.spreadStages(),
            ...entries.map(({ id }) => keys.stage(id)),
        ],
        args: [
            ...entries.map(({ stored }) => (stored ? stageCopyJson(stored) : "")),
            ...entries.map(({ stored }) => String(stored?.revision ?? 0)),
            ...entries.map(({ id }) => id),
            ...entries.map(({ stored }) => (stored && isSpread(stored) ? "1" : "0")),
        ],
    };
}
/**
 * Adds to `pipeline` the copies of `stages` a restore writes after Redis lost its data: only
 * where none is (SET NX), since a copy already there was written since, from a DynamoDB version
 * as new as the page the restore read, or newer.
 */
export function restoreStageCopies(pipeline, keys, stages) {
    for (const stored of stages) {
        pipeline.set(keys.stage(stored.stage.id), stageCopyJson(stored), { nx: true });
    }
    const [first, ...rest] = stages.map(({ stage }) => stage.id);
    if (first !== undefined)
        pipeline.sadd(keys.stages(), first, ...rest);
    const [spread, ...moreSpread] = stages.filter(isSpread).map(({ stage }) => stage.id);
    if (spread !== undefined)
        pipeline.sadd(keys.spreadStages(), spread, ...moreSpread);
}
