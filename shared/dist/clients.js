/**
 * Clients built from the configuration, per request (Worker) or per run (sync job): never at
 * import, never shared through a module-level singleton. Every call they make runs under a
 * deadline the caller chooses (shared/deadlines.ts says which and why).
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Redis } from "@upstash/redis";
import { callSignal } from "./deadlines.js";
/**
 * An Upstash client. Retries once only: a heartbeat is repeated by the client anyway, and a
 * request that hangs in retries is worse than a quick 503.
 *
 * The deadline is given as a FUNCTION returning a fresh signal per HTTP request, never as a
 * signal: given a signal that has aborted, @upstash/redis 1.39 does not throw but resolves the
 * call with a made-up reply `{ result: <the abort reason, or "Aborted"> }` (a SET resolved with
 * `null`), which would acknowledge a heartbeat that was never written
 * (test/faults/redis-stall.test.ts shows both). The function form throws. The
 * client calls it once per request, before its retry loop, so the retry runs under the same
 * deadline.
 */
export function createRedis(config, deadline, 
/** Which of `config.redisDatabases` (default the first). */
database = 0) {
    const target = config.redisDatabases[database] ?? {
        url: config.upstashRedisRestUrl,
        token: config.upstashRedisRestToken,
    };
    return new Redis({
        url: target.url,
        token: target.token,
        automaticDeserialization: false,
        enableAutoPipelining: false,
        enableTelemetry: false,
        retry: { retries: 1, backoff: () => 50 },
        signal: () => callSignal(deadline),
    });
}
/** The low-level client, for table administration (`npm run db:create`). */
export function createDynamoClient(config) {
    return new DynamoDBClient({
        region: config.awsRegion,
        ...(config.dynamodbEndpoint ? { endpoint: config.dynamodbEndpoint } : {}),
        ...(config.awsCredentials ? { credentials: config.awsCredentials } : {}),
        maxAttempts: 3,
    });
}
/**
 * The document client, every `send` under `deadline`. The SDK's `abortSignal` is per `send`:
 * its retry middleware stops retrying and waiting once the signal aborts, and the HTTP handler
 * (Node's or fetch, in workerd) cancels the attempt in flight, so the 3 attempts never add up
 * past the deadline. (The handler's own `requestTimeout` would bound each attempt instead, and
 * in Node only logs a warning unless `throwOnRequestTimeout` is set.)
 */
export function createDocumentClient(config, deadline) {
    const client = DynamoDBDocumentClient.from(createDynamoClient(config), {
        marshallOptions: { removeUndefinedValues: true },
    });
    const send = (command, options) => client.send(command, { ...options, abortSignal: callSignal(deadline) });
    return {
        send: send,
        // Its keep-alive sockets would otherwise hold a Node process open.
        destroy: () => client.destroy(),
    };
}
