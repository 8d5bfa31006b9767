import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { DocumentClient } from "./clients";
import { STAGE_INDEX_PARTITION } from "./dynamo-keys";
import { type Stage, toStage } from "./stage";
import { GSI1_NAME } from "./table";

/**
 * One page of stages in id order, from the stage index (`gsi1`, partition `STAGES`): never a
 * Scan. `after` is the last id of the previous page. It reads one item more than `limit`, which
 * tells whether another page exists, so the last page never hands out a cursor to an empty page.
 * The listing route pages it for operators; restores (edge and sync job) read every page.
 */
export async function listStagePage(
  db: DocumentClient,
  tableName: string,
  limit: number,
  after?: string,
): Promise<{ stages: Stage[]; lastId?: string }> {
  const result = await db.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: GSI1_NAME,
      KeyConditionExpression: after ? "gsi1pk = :p AND gsi1sk > :after" : "gsi1pk = :p",
      ExpressionAttributeValues: after
        ? { ":p": STAGE_INDEX_PARTITION, ":after": after }
        : { ":p": STAGE_INDEX_PARTITION },
      Limit: limit + 1,
    }),
  );
  const stages = (result.Items ?? []).map(toStage);
  if (stages.length <= limit) return { stages };
  const page = stages.slice(0, limit);
  return { stages: page, lastId: page.at(-1)!.id };
}

/** The writes that put stages into a Redis registry, on a pipeline the caller sends. */
export interface RegistryPipeline {
  set(key: string, value: string, options?: { nx: true }): unknown;
  sadd(key: string, member: string, ...members: string[]): unknown;
}

/**
 * Adds to `pipeline` the registry writes for `stages` (`s:<id>`, SADD `stages`, and SADD `spr`
 * for a stage spread over several databases). A restore
 * writes only what is missing (`onlyMissing`: SET NX): a copy already there was written by a
 * create or an update and is as new as DynamoDB's, or newer than a page the restore read earlier.
 */
export function writeStagesToRegistry(
  pipeline: RegistryPipeline,
  keys: { stage(id: string): string; stages(): string; spreadStages(): string },
  stages: readonly Stage[],
  options: { onlyMissing: boolean },
): void {
  for (const stage of stages) {
    const json = JSON.stringify(stage);
    if (options.onlyMissing) pipeline.set(keys.stage(stage.id), json, { nx: true });
    else pipeline.set(keys.stage(stage.id), json);
  }
  const [first, ...rest] = stages.map((stage) => stage.id);
  if (first !== undefined) pipeline.sadd(keys.stages(), first, ...rest);
  const [spread, ...moreSpread] = stages
    .filter((stage) => (stage.databases ?? 1) > 1)
    .map((stage) => stage.id);
  if (spread !== undefined) pipeline.sadd(keys.spreadStages(), spread, ...moreSpread);
}
