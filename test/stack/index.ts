import { randomUUID } from "node:crypto";
import { MAX_REDIS_DATABASES } from "@viewer-presence/shared/config";
import { type DynamoHandle, LOCAL_AWS, startDynamo } from "./dynamo";
import { type RedisServerHandle, startRedisServer } from "./redis-server";
import { startUpstashProxy, type UpstashProxyHandle } from "./upstash-proxy";

export type { DynamoHandle } from "./dynamo";
export { startDynamo } from "./dynamo";
export type { RedisServerHandle } from "./redis-server";
export { startRedisServer } from "./redis-server";
export type { UpstashProxyHandle, UpstashStats } from "./upstash-proxy";
export { startUpstashProxy } from "./upstash-proxy";
export { startWranglerDev } from "./wrangler-dev";

export interface LocalStackOptions {
  /**
   * Ports on 127.0.0.1; 0 or absent picks free ones. With several databases, database `i`
   * (from 0) takes `redisPort + i` and `upstashPort + i`.
   */
  redisPort?: number;
  upstashPort?: number;
  dynamoPort?: number;
  /** Default "viewer-presence-local". */
  tableName?: string;
  /**
   * The first database's token; the n-th after it (n = 2, 3, ...) gets `<token>-<n>`, so each
   * has its own. Default a random token per database.
   */
  upstashToken?: string;
  /** How many Upstash databases: a redis-server and a proxy each (default 1, at most MAX_REDIS_DATABASES). */
  databases?: number;
  /** Every proxy's commands-per-second cap, as an Upstash plan has (default none). */
  maxCommandsPerSecond?: number;
}

/** The variables the edge worker and the sync job read, pointed at the local stack. */
export interface LocalStackEnv {
  UPSTASH_REDIS_REST_URL: string;
  UPSTASH_REDIS_REST_TOKEN: string;
  DYNAMODB_ENDPOINT: string;
  DYNAMODB_TABLE: string;
  AWS_REGION: "us-east-1";
  AWS_ACCESS_KEY_ID: "local";
  AWS_SECRET_ACCESS_KEY: "local";
}

type UpstashEndpoint = { url: string; token: string };

/**
 * The variables that point the worker and the sync job at one or more proxies and a DynamoDB
 * server: several databases as comma-separated URLs and tokens, in the same order (what
 * shared/config.ts parses into `redisDatabases`); one database exactly as before.
 */
export function stackEnv(
  proxies: UpstashEndpoint | readonly UpstashEndpoint[],
  dynamo: { endpoint: string; tableName: string },
): LocalStackEnv {
  const list: readonly UpstashEndpoint[] = "url" in proxies ? [proxies] : proxies;
  if (list.length === 0) throw new Error("stackEnv needs at least one Upstash endpoint");
  if (list.some((proxy) => proxy.url.includes(",") || proxy.token.includes(","))) {
    throw new Error("an Upstash URL or token holds a comma, which separates databases");
  }
  return {
    UPSTASH_REDIS_REST_URL: list.map((proxy) => proxy.url).join(","),
    UPSTASH_REDIS_REST_TOKEN: list.map((proxy) => proxy.token).join(","),
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    DYNAMODB_TABLE: dynamo.tableName,
    AWS_REGION: LOCAL_AWS.region,
    AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
  };
}

/** One local Upstash database: a redis-server of its own and the REST proxy over it. */
export interface LocalDatabase {
  proxy: UpstashProxyHandle;
  redis: RedisServerHandle;
}

export interface LocalStack {
  env: LocalStackEnv;
  /** The first database's proxy and redis-server (the only ones with one database). */
  proxy: UpstashProxyHandle;
  redis: RedisServerHandle;
  /** Every database, in the order of the URLs and tokens in `env`. */
  databases: LocalDatabase[];
  dynamo: DynamoHandle;
  /** Stops DynamoDB, then each database's proxy and redis-server; tries all even if one fails. */
  stop(): Promise<void>;
}

/** At most this many databases, as shared/config.ts accepts. */
const MAX_DATABASES = MAX_REDIS_DATABASES;

/**
 * Starts `databases` redis-servers with an Upstash REST proxy over each, and dynalite with the
 * project's table. If one fails to start, the ones already running are stopped before the error
 * is rethrown.
 */
export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async () => {
    const errors: unknown[] = [];
    for (const part of started.splice(0).reverse()) {
      try {
        await part.stop();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, "stopping the local stack failed");
  };

  const count = opts.databases ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > MAX_DATABASES) {
    throw new RangeError(
      `databases must be a whole number from 1 to ${MAX_DATABASES}, got ${count}`,
    );
  }
  // A fixed port for database 0 means fixed ports for all: the next ones up.
  const portOf = (base: number | undefined, i: number) => (base ? base + i : 0);

  try {
    const databases: LocalDatabase[] = [];
    // One after the other: a 2-core machine starts them no faster in parallel.
    for (let i = 0; i < count; i++) {
      const redis = await startRedisServer({ port: portOf(opts.redisPort, i) });
      started.push(redis);
      const token = opts.upstashToken ?? `local-${randomUUID()}`;
      const proxy = await startUpstashProxy({
        redisPort: redis.port,
        token: i === 0 || opts.upstashToken === undefined ? token : `${token}-${i + 1}`,
        port: portOf(opts.upstashPort, i),
        maxCommandsPerSecond: opts.maxCommandsPerSecond,
      });
      started.push(proxy);
      databases.push({ proxy, redis });
    }
    const dynamo = await startDynamo({
      tableName: opts.tableName ?? "viewer-presence-local",
      port: opts.dynamoPort ?? 0,
    });
    started.push(dynamo);
    const [first] = databases as [LocalDatabase, ...LocalDatabase[]];
    return {
      env: stackEnv(
        databases.map((database) => database.proxy),
        dynamo,
      ),
      proxy: first.proxy,
      redis: first.redis,
      databases,
      dynamo,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll().catch(() => {
      // the start error is the one worth reporting
    });
    throw error;
  }
}
