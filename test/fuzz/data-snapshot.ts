/**
 * What the stores hold for one test, read back so a refused request can be shown to have
 * changed nothing: every Redis key under the test's prefix with its value and its time to live,
 * and the DynamoDB items of the stages the test touched (stage configs of its tagged ids, and
 * the partitions of the stages it names).
 *
 * Some keys expire on their own (`rs` and `e:` one presence TTL after a restore, in real time,
 * whatever the test's clock): such a key may vanish between two snapshots with no request
 * touching it. So each snapshot keeps the PTTL of every key and when it was read, and a key may
 * go missing only when its expiry fell before the second read ended; a key still there must have
 * kept its value and its expiry moment, so a request that only moves an expiry is seen too.
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

/** A Redis key as a snapshot read it. */
interface RedisEntry {
  type: string;
  value: unknown;
  /** Its PTTL when read: ms left before it expires, or -1 when it has no expiry. */
  pttlMs: number;
}

/** When a snapshot read Redis (epoch ms): every key was read between the two. */
interface ReadSpan {
  fromMs: number;
  toMs: number;
}

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

  /**
   * Every key under the prefix with its value and PTTL, read whole (these keys stay small in a
   * test), and when they were read. A key that expired while being read is absent.
   */
  async function redisData(): Promise<{ entries: Record<string, RedisEntry>; read: ReadSpan }> {
    const fromMs = Date.now();
    const keys = await redisKeys();
    const entries: Record<string, RedisEntry> = {};
    if (keys.length > 0) {
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
        reading.pttl(key);
      });
      const replies = await reading.exec<unknown[]>();
      keys.forEach((key, i) => {
        const [value, pttlMs] = [replies[2 * i], Number(replies[2 * i + 1])];
        // Expired before its value or its PTTL was read (PTTL -2: no such key).
        if (types[i] === "none" || pttlMs === -2) return;
        // SMEMBERS answers in no set order.
        const sorted = types[i] === "set" ? [...(value as string[])].sort() : value;
        entries[key] = { type: types[i]!, value: canonical(sorted), pttlMs };
      });
    }
    return { entries, read: { fromMs, toMs: Date.now() } };
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
      const { entries, read } = await redisData();
      return { redis: entries, redisRead: read, dynamodb: await dynamoData(tag, stageIds) };
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

/**
 * Redis (on this machine: the same clock as Date.now) counts expiry in whole ms and drops a key
 * the ms after its expiry moment; 1 ms covers the truncation at either end of a read.
 */
const CLOCK_SLACK_MS = 1;

/**
 * Whether a Redis key read as `was` (during `before`) and as `is` (during `after`, undefined
 * when absent) shows a change that its own expiry does not explain. Its expiry moment is known
 * to within the read's span: the PTTL counted from some moment of it.
 */
function redisKeyChanged(
  was: RedisEntry | undefined,
  is: RedisEntry | undefined,
  before: ReadSpan,
  after: ReadSpan,
): boolean {
  if (was === undefined || is === undefined) {
    if (was === undefined) return is !== undefined;
    // Gone: unchanged only if it had an expiry that may have come before `after` ended.
    return !(was.pttlMs >= 0 && before.fromMs + was.pttlMs <= after.toMs + CLOCK_SLACK_MS);
  }
  if (was.type !== is.type || JSON.stringify(was.value) !== JSON.stringify(is.value)) return true;
  if (was.pttlMs < 0 || is.pttlMs < 0) return was.pttlMs !== is.pttlMs;
  const wasExpiry = { from: before.fromMs + was.pttlMs, to: before.toMs + was.pttlMs };
  const isExpiry = { from: after.fromMs + is.pttlMs, to: after.toMs + is.pttlMs };
  return (
    isExpiry.from > wasExpiry.to + CLOCK_SLACK_MS || isExpiry.to < wasExpiry.from - CLOCK_SLACK_MS
  );
}

/** The top-level entries that changed, named for a report (Redis keys as redisKeyChanged says). */
export function snapshotDiff(before: DataSnapshot, after: DataSnapshot): string[] {
  const changed: string[] = [];
  for (const store of ["redis", "dynamodb"]) {
    const a = (before[store] ?? {}) as Record<string, unknown>;
    const b = (after[store] ?? {}) as Record<string, unknown>;
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const was = JSON.stringify(a[key]);
      const is = JSON.stringify(b[key]);
      const differs =
        store === "redis"
          ? redisKeyChanged(
              a[key] as RedisEntry | undefined,
              b[key] as RedisEntry | undefined,
              before.redisRead as ReadSpan,
              after.redisRead as ReadSpan,
            )
          : was !== is;
      if (differs) changed.push(`${store} ${key}: ${short(was)} -> ${short(is)}`);
    }
  }
  return changed;
}

const short = (text: string | undefined) =>
  text === undefined ? "(absent)" : text.length > 300 ? `${text.slice(0, 300)}…` : text;
