/**
 * Clients built from the configuration, per request (Worker) or per run (sync job): never at
 * import, never shared through a module-level singleton.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Redis } from "@upstash/redis";
import type { Config, TableConfig } from "./config";

/** The document client, narrowed to the one call the code uses. */
export type DocumentClient = Pick<DynamoDBDocumentClient, "send">;

/**
 * An Upstash client for one request. Retries once only: a heartbeat is repeated by the client
 * anyway, and a request that hangs in retries is worse than a quick 503.
 */
export function createRedis(config: Config): Redis {
  return new Redis({
    url: config.upstashRedisRestUrl,
    token: config.upstashRedisRestToken,
    automaticDeserialization: false,
    enableAutoPipelining: false,
    enableTelemetry: false,
    retry: { retries: 1, backoff: () => 50 },
  });
}

/** The low-level client, for table administration (`npm run db:create`). */
export function createDynamoClient(config: TableConfig): DynamoDBClient {
  return new DynamoDBClient({
    region: config.awsRegion,
    ...(config.dynamodbEndpoint ? { endpoint: config.dynamodbEndpoint } : {}),
    ...(config.awsCredentials ? { credentials: config.awsCredentials } : {}),
    maxAttempts: 3,
  });
}

export function createDocumentClient(config: TableConfig): DocumentClient {
  const client = createDynamoClient(config);
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}
