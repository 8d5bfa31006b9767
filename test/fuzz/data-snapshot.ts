/**
 * What the stores hold for one test, read back so a refused request can be shown to have
 * changed nothing: every Redis key under the test's prefix with its value, and the DynamoDB
 * items of the stages the test touched (stage configs of its tagged ids, and the partitions of
 * the stages it names).
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { Redis } from "@upstash/redis";
import {
  BROADCAST_PREFIX,
  STAGE_INDEX_PARTITION,
  stageKeys,
  viewingRecordsPartition,
} from "@viewer-presence/shared/dynamo-keys";
import { redisKeys as redisKeyLayout } from "@viewer-presence/shared/redis-keys";
import { GSI1_NAME } from "@viewer-presence/shared/table";

export type DataSnapshot = Record<string, unknown>;

export function createSnapshotter(env: Record<string, string>) {
  const redis = new Redis({
    url: env.UPSTASH_REDIS_REST_URL!,
    token: env.UPSTASH_REDIS_REST_TOKEN!,
    automaticDeserialization: false,
    enableAutoPipelining: false,
    enableTelemetry: false,
  });
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: env.AWS_REGION!,
      endpoint: env.DYNAMODB_ENDPOINT!,
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID!,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY!,
      },
    }),
  );
  const prefix = env.REDIS_KEY_PREFIX!;
  const scratch = new Set([
    redisKeyLayout(prefix).countScratch(),
    redisKeyLayout(prefix).presenceMask(),
  ]);
  const table = env.DYNAMODB_TABLE!;

  async function redisKeys(): Promise<string[]> {
    const keys: string[] = [];
    let cursor = "0";
    do {
      const [next, page] = await redis.scan(cursor, { match: `${prefix}*`, count: 1000 });
      keys.push(...page);
      cursor = String(next);
    } while (cursor !== "0");
    // The count script's scratch and mask are working space, not data: a refused heartbeat's
    // count may rewrite them.
    return keys.filter((key) => !scratch.has(key)).sort();
  }

  /** Every key under the prefix with its value, read whole (these keys stay small in a test). */
  async function redisData(): Promise<DataSnapshot> {
    const keys = await redisKeys();
    if (keys.length === 0) return {};
    const typing = redis.pipeline();
    for (const key of keys) typing.type(key);
    const types = await typing.exec<string[]>();
    const reading = redis.pipeline();
    keys.forEach((key, i) => {
      const type = types[i];
      if (type === "string") reading.get(key);
      else if (type === "hash") reading.hgetall(key);
      else if (type === "zset") reading.zrange(key, 0, -1, { withScores: true });
      else if (type === "set") reading.smembers(key);
      else if (type === "list") reading.lrange(key, 0, -1);
      else if (type === "stream") reading.xrange(key, "-", "+");
      else reading.exists(key); // expired between the two reads: "none"
    });
    const values = await reading.exec<unknown[]>();
    return Object.fromEntries(
      keys.map((key, i) => {
        // SMEMBERS answers in no set order.
        const value = types[i] === "set" ? [...(values[i] as string[])].sort() : values[i];
        return [key, { type: types[i], value: canonical(value) }];
      }),
    );
  }

  async function queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const result = await db.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
      items.push(...(result.Items ?? []));
      start = result.LastEvaluatedKey;
    } while (start !== undefined);
    return items;
  }

  /**
   * Stage configs whose id starts with `tag` (every stage the run meant to create), and the
   * partitions of the other stage ids in `stageIds` (what a request named that is not tagged).
   */
  async function dynamoData(tag: string, stageIds: Iterable<string>): Promise<DataSnapshot> {
    const data: DataSnapshot = {
      tagged: await queryAll({
        TableName: table,
        IndexName: GSI1_NAME,
        KeyConditionExpression: "gsi1pk = :p AND begins_with(gsi1sk, :tag)",
        ExpressionAttributeValues: { ":p": STAGE_INDEX_PARTITION, ":tag": tag },
      }),
    };
    const untagged = [...new Set(stageIds)].filter((id) => !id.startsWith(tag)).sort();
    for (const stageId of untagged) Object.assign(data, await partitions(stageId));
    return data;
  }

  /** Every item of a stage: config, snapshots, packed viewing records. */
  async function partitions(stageId: string): Promise<DataSnapshot> {
    const data: DataSnapshot = {};
    for (const pk of [stageKeys(stageId).pk, viewingRecordsPartition(stageId)]) {
      data[pk] = await queryAll({
        TableName: table,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": pk },
      });
    }
    return data;
  }

  return {
    /** Redis under the prefix, and DynamoDB as `dynamoData` reads it. */
    async take(tag: string, stageIds: Iterable<string>): Promise<DataSnapshot> {
      return { redis: await redisData(), dynamodb: await dynamoData(tag, stageIds) };
    },
    /**
     * The history of `stageIds` (snapshots, rollups, viewing records, broadcasts' figures are
     * on items the stage routes also write, so broadcasts are left out): only the sync job writes it,
     * so no request may change it; read before and after a whole run.
     */
    async history(stageIds: string[]): Promise<DataSnapshot> {
      const data: DataSnapshot = {};
      for (const stageId of stageIds) {
        for (const [pk, items] of Object.entries(await partitions(stageId))) {
          // The stage routes write the config and the broadcasts' start and end; the rest is history.
          data[pk] = (items as { sk: string }[]).filter(
            (item) => item.sk !== stageKeys(stageId).sk && !item.sk.startsWith(BROADCAST_PREFIX),
          );
        }
      }
      return { dynamodb: data };
    },
  };
}

/** Objects with sorted keys, so two reads of the same data compare equal as JSON. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
  );
}

/** The top-level entries whose values differ, named for a report. */
export function snapshotDiff(before: DataSnapshot, after: DataSnapshot): string[] {
  const changed: string[] = [];
  for (const store of ["redis", "dynamodb"]) {
    const a = (before[store] ?? {}) as Record<string, unknown>;
    const b = (after[store] ?? {}) as Record<string, unknown>;
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const was = JSON.stringify(a[key]);
      const is = JSON.stringify(b[key]);
      if (was !== is) changed.push(`${store} ${key}: ${short(was)} -> ${short(is)}`);
    }
  }
  return changed;
}

const short = (text: string | undefined) =>
  text === undefined ? "(absent)" : text.length > 300 ? `${text.slice(0, 300)}…` : text;
