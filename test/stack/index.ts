import { randomUUID } from "node:crypto";
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
  /** Ports on 127.0.0.1; 0 or absent picks free ones. */
  redisPort?: number;
  upstashPort?: number;
  dynamoPort?: number;
  /** Default "viewer-presence-local". */
  tableName?: string;
  /** Default a random token per stack. */
  upstashToken?: string;
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

/** The variables that point the worker and the sync job at a proxy and a DynamoDB server. */
export function stackEnv(
  proxy: { url: string; token: string },
  dynamo: { endpoint: string; tableName: string },
): LocalStackEnv {
  return {
    UPSTASH_REDIS_REST_URL: proxy.url,
    UPSTASH_REDIS_REST_TOKEN: proxy.token,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    DYNAMODB_TABLE: dynamo.tableName,
    AWS_REGION: LOCAL_AWS.region,
    AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
  };
}

export interface LocalStack {
  env: LocalStackEnv;
  proxy: UpstashProxyHandle;
  redis: RedisServerHandle;
  dynamo: DynamoHandle;
  /** Stops DynamoDB, the proxy, then redis-server; tries all even if one fails. */
  stop(): Promise<void>;
}

/**
 * Starts redis-server, the Upstash REST proxy over it, and dynalite with the project's table.
 * If one fails to start, the ones already running are stopped before the error is rethrown.
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

  try {
    const redis = await startRedisServer({ port: opts.redisPort ?? 0 });
    started.push(redis);
    const proxy = await startUpstashProxy({
      redisPort: redis.port,
      token: opts.upstashToken ?? `local-${randomUUID()}`,
      port: opts.upstashPort ?? 0,
    });
    started.push(proxy);
    const dynamo = await startDynamo({
      tableName: opts.tableName ?? "viewer-presence-local",
      port: opts.dynamoPort ?? 0,
    });
    started.push(dynamo);
    return { env: stackEnv(proxy, dynamo), proxy, redis, dynamo, stop: stopAll };
  } catch (error) {
    await stopAll().catch(() => {
      // the start error is the one worth reporting
    });
    throw error;
  }
}
