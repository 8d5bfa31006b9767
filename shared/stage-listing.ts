import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { DocumentClient } from "./clients";
import { STAGE_INDEX_PARTITION } from "./dynamo-keys";
import { type StoredStage, toStoredStage } from "./stage";
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
): Promise<{ stages: StoredStage[]; lastId?: string }> {
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
  const stages = (result.Items ?? []).map(toStoredStage);
  if (stages.length <= limit) return { stages };
  const page = stages.slice(0, limit);
  return { stages: page, lastId: page.at(-1)!.stage.id };
}
