import type { StoredStage } from "./stage.js";
/**
 * Redis' copies of stages, the registry heartbeats obey: `s:<id>` (the copy), the id in `stages`,
 * and in `spr` for a stage spread over several databases. DynamoDB holds each stage and is the
 * truth; a copy is DynamoDB's version of the stage with its revision, so that copies written out
 * of order (a write answered 503 that a stalled Redis runs once it runs again, after a newer one)
 * can be told apart: an older revision never replaces a newer one.
 */
/** The keys a registry write touches. */
export interface StageCopyKeys {
    stage(id: string): string;
    stages(): string;
    spreadStages(): string;
    registryVersion(): string;
}
/**
 * The text of a copy: the stage's JSON, with `"accepts":"<kinds>"` as its first member (the
 * viewers whose heartbeats it takes, shared/heartbeat-acceptance.ts: what HEARTBEAT_SCRIPT reads
 * at the copy's very start, never searching the JSON) and `"revision":<n>` as its last.
 */
export declare function stageCopyJson({ stage, revision }: StoredStage): string;
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
export declare const PUT_STAGE_COPIES_SCRIPT = "\nlocal versionKey, stagesKey, spreadKey = KEYS[1], KEYS[2], KEYS[3]\nlocal count = #KEYS - 3\nlocal written, replaced = 0, 0\nfor i = 1, count do\n  local key, copy, revision = KEYS[i + 3], ARGV[i], tonumber(ARGV[count + i])\n  local id, spread = ARGV[2 * count + i], ARGV[3 * count + i]\n  local current = redis.call('GET', key)\n  if copy == '' then\n    if current then\n      redis.call('DEL', key)\n      redis.call('SREM', stagesKey, id)\n      redis.call('SREM', spreadKey, id)\n      written, replaced = written + 1, replaced + 1\n    end\n  else\n    local currentRevision = current and tonumber(string.match(current, '\"revision\":(%d+)}$') or '0')\n    if not current or currentRevision < revision or (currentRevision == revision and current ~= copy) then\n      redis.call('SET', key, copy)\n      redis.call('SADD', stagesKey, id)\n      if spread == '1' then redis.call('SADD', spreadKey, id) end\n      written = written + 1\n      if current then replaced = replaced + 1 end\n    end\n  end\nend\nif replaced > 0 then redis.call('INCR', versionKey) end\nreturn written\n";
/** One stage for {@link PUT_STAGE_COPIES_SCRIPT}: DynamoDB's version, or none (remove the copy). */
export interface StageCopyEntry {
    id: string;
    stored: StoredStage | undefined;
}
/** KEYS and ARGV of {@link PUT_STAGE_COPIES_SCRIPT} for `entries`. */
export declare function putStageCopiesCall(keys: StageCopyKeys, entries: readonly StageCopyEntry[]): {
    keys: string[];
    args: string[];
};
/** The writes a restore puts on a pipeline the caller sends. */
export interface RestorePipeline {
    set(key: string, value: string, options: {
        nx: true;
    }): unknown;
    sadd(key: string, member: string, ...members: string[]): unknown;
}
/**
 * Adds to `pipeline` the copies of `stages` a restore writes after Redis lost its data: only
 * where none is (SET NX), since a copy already there was written since, from a DynamoDB version
 * as new as the page the restore read, or newer.
 */
export declare function restoreStageCopies(pipeline: RestorePipeline, keys: Omit<StageCopyKeys, "registryVersion">, stages: readonly StoredStage[]): void;
