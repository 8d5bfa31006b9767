import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { reconcileBroadcast } from "@viewer-presence/shared/broadcasts";
import type { DocumentClient } from "@viewer-presence/shared/clients";
import { stageKeys } from "@viewer-presence/shared/dynamo-keys";
import type { RedisKeys } from "@viewer-presence/shared/redis-keys";
import { toStage } from "@viewer-presence/shared/stage";
import { type SyncRedis, scanPage } from "../sync-redis";

/**
 * Writes stage copies into Redis unless the copy there is the same or newer (by `updatedAt`),
 * and raises the registry version when any changed, so every isolate re-reads its stages.
 * The stored JSON is never decoded: `"updatedAt":"<ISO>"` is found as plain text, exact for
 * JSON.stringify's output (inside a JSON string every `"` is escaped, so the text can only be
 * the member itself).
 *
 * KEYS[1] registry version `v`   KEYS[2] stage set `stages`   KEYS[3] spread stages `spr`
 * KEYS[4..] stage keys `s:<id>`
 * ARGV[i] the stage JSON for KEYS[i + 3], ARGV[n + i] its updatedAt, ARGV[2n + i] its id,
 * ARGV[3n + i] '1' when it is spread over several databases, n = #KEYS - 3
 *
 * Returns how many copies were written.
 */
export const SETTLE_STAGES_SCRIPT = `
local versionKey, stagesKey, spreadKey = KEYS[1], KEYS[2], KEYS[3]
local count = #KEYS - 3
local written = 0
for i = 1, count do
  local key, json, updatedAt = KEYS[i + 3], ARGV[i], ARGV[count + i]
  local current = redis.call('GET', key)
  local currentAt = current and string.match(current, '"updatedAt":"([^"]*)"')
  if not current or (current ~= json and currentAt <= updatedAt) then
    redis.call('SET', key, json)
    redis.call('SADD', stagesKey, ARGV[2 * count + i])
    if ARGV[3 * count + i] == '1' then redis.call('SADD', spreadKey, ARGV[2 * count + i]) end
    written = written + 1
  end
end
if written > 0 then redis.call('INCR', versionKey) end
return written
`;

/** Most unsettled stages handled per run (the rest wait for the next). */
const SETTLE_BATCH = 100;

/**
 * Repairs Redis' copy of the stages the edge marked unsettled (`us`: a write to DynamoDB got no
 * answer in time and may have landed after the client was told 503): each is read back from
 * DynamoDB, the source of truth, and put in force unless Redis already holds it or a newer
 * change, and its broadcasts made to agree with its status (shared/broadcasts.ts). A mark is removed only once its stage is settled, so a run that fails midway leaves
 * them for the next. Returns how many stage copies were written.
 */
export async function settleStages(
  deps: { redis: Pick<SyncRedis, "sscan" | "eval" | "srem">; db: DocumentClient; keys: RedisKeys },
  tableName: string,
): Promise<number> {
  const { redis, db, keys } = deps;
  const page = scanPage(await redis.sscan(keys.unsettledStages(), "0", { count: SETTLE_BATCH }));
  const ids = [...new Set(page.keys)].slice(0, SETTLE_BATCH);
  if (ids.length === 0) return 0;
  const stored = await Promise.all(
    ids.map(async (id) => {
      const result = await db.send(new GetCommand({ TableName: tableName, Key: stageKeys(id) }));
      return result.Item === undefined ? undefined : toStage(result.Item);
    }),
  );
  // A stage DynamoDB does not have was never created: nothing to put in force.
  const stages = stored.filter((stage) => stage !== undefined);
  let written = 0;
  if (stages.length > 0) {
    written = Number(
      await redis.eval(
        SETTLE_STAGES_SCRIPT,
        [
          keys.registryVersion(),
          keys.stages(),
          keys.spreadStages(),
          ...stages.map((stage) => keys.stage(stage.id)),
        ],
        [
          ...stages.map((stage) => JSON.stringify(stage)),
          ...stages.map((stage) => stage.updatedAt),
          ...stages.map((stage) => stage.id),
          ...stages.map((stage) => ((stage.databases ?? 1) > 1 ? "1" : "0")),
        ],
      ),
    );
  }
  // The edge starts and ends broadcasts after a stage write; one that timed out did not.
  for (const stage of stages) await reconcileBroadcast(db, tableName, stage);
  await redis.srem(keys.unsettledStages(), ids[0]!, ...ids.slice(1));
  return written;
}
