import { createDocumentClient, createRedis } from "@viewer-presence/shared/clients";
import type { Config } from "@viewer-presence/shared/config";
import { PRESENCE_SHARD_DEADLINES } from "@viewer-presence/shared/deadlines";
import { redisKeys } from "@viewer-presence/shared/redis-keys";
import { stageDatabases } from "@viewer-presence/shared/rendezvous";
import type { Stage } from "@viewer-presence/shared/stage";
import { historyTable } from "../history/history-table";
import { createIsolateCommon } from "../isolate/isolate-common";
import { createIsolateState, type IsolateState } from "../isolate/isolate-state";
import { createRedisGuard } from "../redis-guard";
import { stageRegistry } from "../stages/stage-registry";
import { stageTable } from "../stages/stage-table";
import type { FlushDeps, FlushStore } from "./flush-shard";

/**
 * What a presence shard keeps of its Redis databases between flushes, as an isolate does: per
 * database, its memory (registry view, script digests, restore marks) and its guard (breaker,
 * in-flight budget). Clients are made per flush, under PRESENCE_SHARD_DEADLINES. Held in the
 * object's memory: a wake from hibernation starts it afresh, which costs nothing but a re-read.
 */
export function createShardStores(
  config: Config,
  logError: (message: string, error: unknown) => void,
) {
  const common = createIsolateCommon();
  const isolates = new Map<number, IsolateState>();
  const keys = redisKeys(config.redisKeyPrefix);
  const urls = config.redisDatabases.map((database) => database.url);

  function isolateOf(database: number): IsolateState {
    let isolate = isolates.get(database);
    if (isolate === undefined) {
      isolate = createIsolateState(
        common,
        createRedisGuard({
          database,
          now: Date.now,
          shedLoad: config.redisLoadShedding,
          log: (summary) => logError("redis unavailable", summary),
        }),
      );
      isolates.set(database, isolate);
    }
    return isolate;
  }

  /** The dependencies of one flush at `nowMs` into `database`. */
  function flushDeps(database: number, nowMs: number, presenceTtlSec: number): FlushDeps {
    let dynamo: ReturnType<typeof createDocumentClient> | undefined;
    const lazyDynamo = () => {
      dynamo ??= createDocumentClient(config, PRESENCE_SHARD_DEADLINES.dynamo);
      return dynamo;
    };
    const store = (part: number): FlushStore => {
      const redis = createRedis(config, PRESENCE_SHARD_DEADLINES.redis, part);
      const isolate = isolateOf(part);
      const registry = stageRegistry({
        redis,
        keys,
        isolate,
        table: () => stageTable(lazyDynamo(), config.dynamodbTable, config.redisKeyPrefix),
        nowMs,
        presenceTtlSec,
        ...(urls.length > 1
          ? { holds: (stage: Stage) => stageDatabases(urls, stage).includes(part) }
          : {}),
      });
      return { redis, isolate, registry };
    };
    return {
      keys,
      own: store(database),
      otherParts: (stage) =>
        stageDatabases(urls, stage)
          .filter((part) => part !== database)
          .map(store),
      historyTable: () => historyTable(lazyDynamo(), config.dynamodbTable),
      logError,
    };
  }

  return {
    flushDeps,
    /** The viewer-token verifier (holding the imported keys) for `token` messages. */
    verifierFor: common.verifierFor,
  };
}

export type ShardStores = ReturnType<typeof createShardStores>;
