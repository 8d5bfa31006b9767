/**
 * Clients built from the configuration, per request (Worker) or per run (sync job): never at
 * import, never shared through a module-level singleton. Every call they make runs under a
 * deadline the caller chooses (shared/deadlines.ts says which and why).
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Redis } from "@upstash/redis";
import type { Config, TableConfig } from "./config.js";
import { type CallDeadline } from "./deadlines.js";
/** The document client, narrowed to the one call the code uses. */
export type DocumentClient = Pick<DynamoDBDocumentClient, "send">;
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
export declare function createRedis(config: Config, deadline: CallDeadline, 
/** Which of `config.redisDatabases` (default the first). */
database?: number): Redis;
/** The low-level client, for table administration (`npm run db:create`). */
export declare function createDynamoClient(config: TableConfig): DynamoDBClient;
/**
 * The document client, every `send` under `deadline`. The SDK's `abortSignal` is per `send`:
 * its retry middleware stops retrying and waiting once the signal aborts, and the HTTP handler
 * (Node's or fetch, in workerd) cancels the attempt in flight, so the 3 attempts never add up
 * past the deadline. (The handler's own `requestTimeout` would bound each attempt instead, and
 * in Node only logs a warning unless `throwOnRequestTimeout` is set.)
 */
export declare function createDocumentClient(config: TableConfig, deadline: CallDeadline): DocumentClient & {
    destroy(): void;
};
