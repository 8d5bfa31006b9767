import type { Config } from "@viewer-presence/shared/config";
import type { StoreDeadlines } from "@viewer-presence/shared/deadlines";
import { type RedisKeys, redisKeys } from "@viewer-presence/shared/redis-keys";
import {
  databaseForStage,
  stageDatabases,
  viewerDatabase,
} from "@viewer-presence/shared/rendezvous";
import type { Stage } from "@viewer-presence/shared/stage";
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv, ClientFactories, Services, Shard } from "./env";
import { historyTable } from "./history/history-table";
import type { IsolateState } from "./isolate/isolate-state";
import { currentCadence } from "./presence/current-cadence";
import { stageRegistry } from "./stages/stage-registry";
import { type StageTable, stageTable } from "./stages/stage-table";
import { storeDeadlines } from "./store-deadlines";

/** What the app keeps across requests and hands each request's services. */
export interface ServiceDeps {
  /** The clock, in epoch ms. */
  now: () => number;
  clients: ClientFactories;
  logError: (message: string, error: unknown) => void;
  /** The configuration parsed from the bindings (once per bindings object). */
  configFor: (env: unknown) => Config;
  /** What this isolate remembers of a database, and its guard. */
  isolateFor: (database: number, config: Config) => IsolateState;
}

/**
 * Sets `c.var.services` for every route but the contract and its docs page: the configuration,
 * the clock read once, and clients built on first use under the route's deadlines.
 */
export function requestServices(deps: ServiceDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.path === "/openapi.json" || c.req.path === "/docs") return next();
    const config = deps.configFor(c.env);
    const deadlines = storeDeadlines(c.req.method, c.req.path);
    c.set("services", servicesOf(deps, config, deadlines, keepAliveOf(c)));
    await next();
  };
}

/** One request's services; DynamoDB and each database's shard are built on first use. */
function servicesOf(
  deps: ServiceDeps,
  config: Config,
  deadlines: StoreDeadlines,
  keepAlive: (work: Promise<unknown>) => void,
): Services {
  const keys = redisKeys(config.redisKeyPrefix);
  const nowMs = deps.now();
  let dynamo: ReturnType<ClientFactories["dynamo"]> | undefined;
  const lazyDynamo = () => {
    dynamo ??= deps.clients.dynamo(config, deadlines.dynamo);
    return dynamo;
  };
  const lazyStageTable = () =>
    stageTable(lazyDynamo(), config.dynamodbTable, config.redisKeyPrefix);
  const urls = config.redisDatabases.map((database) => database.url);
  const shardOf = shardsOnFirstUse(deps, {
    config,
    deadlines,
    keys,
    nowMs,
    table: lazyStageTable,
    keepAlive,
  });
  return {
    config,
    nowMs,
    keys,
    shard: (stageId) => shardOf(urls.length > 1 ? databaseForStage(urls, stageId) : 0),
    stageShards: (stage) => stageDatabases(urls, stage).map(shardOf),
    viewerShard: (stage, viewerId) => shardOf(viewerDatabase(urls, stage, viewerId)),
    shards: () => urls.map((_, database) => shardOf(database)),
    stageTable: lazyStageTable,
    dynamo: lazyDynamo,
    historyTable: () => historyTable(lazyDynamo(), config.dynamodbTable),
    logError: deps.logError,
  };
}

interface ShardContext {
  config: Config;
  deadlines: StoreDeadlines;
  keys: RedisKeys;
  nowMs: number;
  table: () => StageTable;
  keepAlive: (work: Promise<unknown>) => void;
}

/** A request's shard of each database (client, isolate memory, registry), made once each. */
function shardsOnFirstUse(deps: ServiceDeps, request: ShardContext): (database: number) => Shard {
  const { config, deadlines, keys, nowMs, table, keepAlive } = request;
  const urls = config.redisDatabases.map((database) => database.url);
  const shards = new Map<number, Shard>();
  return (database) => {
    let shard = shards.get(database);
    if (shard === undefined) {
      const redis = deps.clients.redis(config, deadlines.redis, database);
      const isolate = deps.isolateFor(database, config);
      const registry = stageRegistry({
        redis,
        keys,
        isolate,
        table,
        keepAlive,
        nowMs,
        presenceTtlSec: currentCadence(config, isolate, nowMs).presenceTtlSec,
        ...(urls.length > 1
          ? { holds: (stage: Stage) => stageDatabases(urls, stage).includes(database) }
          : {}),
      });
      shard = { database, redis, isolate, registry };
      shards.set(database, shard);
    }
    return shard;
  };
}

/**
 * Work that must finish even if the client leaves (the Worker's `waitUntil`); in Node and
 * in-process tests there is no ExecutionContext, and nothing cancels a request there.
 */
function keepAliveOf(c: Context): (work: Promise<unknown>) => void {
  return (work) => {
    let ctx: { waitUntil(work: Promise<unknown>): void } | undefined;
    try {
      ctx = c.executionCtx;
    } catch {
      ctx = undefined;
    }
    ctx?.waitUntil(work.catch(() => undefined));
  };
}
