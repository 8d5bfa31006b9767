import { newGeneration } from "@viewer-presence/shared/presence-ticket";
import type { RedisKeys } from "@viewer-presence/shared/redis-keys";
import { type Stage, toStage } from "@viewer-presence/shared/stage";
import { writeStagesToRegistry } from "@viewer-presence/shared/stage-listing";
import {
  applyRegistryCheck,
  cachedStage,
  type IsolateState,
  rememberStage,
} from "../isolate-state";
import { type EdgeRedis, redisCall } from "../redis-client";
import type { StageTable } from "./stage-table";

/**
 * Stage configuration as the edge sees it, for one Redis database: DynamoDB holds it durably;
 * the database that holds a stage (shared/rendezvous.ts) holds a copy of it (`s:<id>`, and the id in `stages`) plus a marker `m` saying the copy is complete;
 * the isolate remembers answers, checking every few seconds whether any stage changed (the
 * registry version `v`, raised by every update). With the marker present, a stage missing from
 * Redis does not exist, so random stage ids never turn into DynamoDB reads. Without it (a new
 * deployment, or Redis lost its data), the registry is rebuilt from DynamoDB first.
 */
export function stageRegistry(deps: {
  redis: EdgeRedis;
  keys: RedisKeys;
  isolate: IsolateState;
  table: () => StageTable;
  nowMs: number;
  /** How long restore estimates may be answered after a data loss (one presence TTL), in s. */
  presenceTtlSec: number;
  /** Whether this database holds a stage (its home or a part; default: every stage). */
  holds?: (stage: Stage) => boolean;
}) {
  const { redis, keys, isolate, nowMs } = deps;

  /** Writes stages to the Redis registry (a restore only what is missing). */
  async function cacheInRedis(
    stages: Stage[],
    options: { restoring: boolean; changed?: boolean },
  ): Promise<void> {
    const pipeline = redis.pipeline();
    writeStagesToRegistry(pipeline, keys, stages, { onlyMissing: options.restoring });
    // A changed stage tells every isolate to re-read what it cached (a new one needs not: an
    // isolate trusts an absence for one check period only).
    if (options.changed) pipeline.incr(keys.registryVersion());
    if (stages.length > 0) await redisCall(isolate.redisGuard, () => pipeline.exec());
  }

  const registry = {
    /** Remembers in the isolate what Redis or DynamoDB said about a stage. */
    remember(stageId: string, stage: Stage | undefined): void {
      rememberStage(isolate, stageId, stage, nowMs);
    },

    /** The stage, or `undefined` when it does not exist. */
    async lookup(stageId: string): Promise<Stage | undefined> {
      const cached = cachedStage(isolate, stageId, nowMs);
      if (cached?.current && !cached.checkDue) return cached.stage ?? undefined;
      const pipeline = redis
        .pipeline()
        .get(keys.stage(stageId))
        .mget(keys.marker(), keys.registryVersion(), keys.restoredAt(), keys.generation());
      const [config, check] = await redisCall(isolate.redisGuard, () =>
        pipeline.exec<[string | null, unknown[]]>(),
      );
      if (applyRegistryCheck(isolate, check, nowMs) === "lost") {
        await registry.restore();
        return registry.lookup(stageId);
      }
      const stage = config === null ? undefined : toStage(JSON.parse(config));
      registry.remember(stageId, stage);
      return stage;
    },

    /**
     * Notes that a write of this stage to DynamoDB got no answer in time and may still land, so
     * the sync job re-reads it and repairs Redis' copy even if the client never retries. Best
     * effort: when Redis fails too, the client's retry is the repair.
     */
    async markUnsettled(stageId: string): Promise<void> {
      await redisCall(isolate.redisGuard, () =>
        redis.pipeline().sadd(keys.unsettledStages(), stageId).exec(),
      ).catch(() => undefined);
    },

    /** Caches a stage that DynamoDB has just stored (`changed`: an update, not a create). */
    async cache(stage: Stage, options: { changed: boolean }): Promise<void> {
      await cacheInRedis([stage], { restoring: false, changed: options.changed });
      registry.remember(stage.id, stage);
    },

    /**
     * Copies every stage from DynamoDB into Redis, then sets the marker. Idempotent: several
     * isolates restoring at once write the same values.
     */
    restore(): Promise<number> {
      // Heartbeats of many stages notice one loss at once: they share one restore, not one
      // listing of every stage each.
      isolate.registryRestore ??= restoreAll().finally(() => {
        isolate.registryRestore = undefined;
      });
      return isolate.registryRestore;
    },
  };

  async function restoreAll(): Promise<number> {
    const table = deps.table();
    let restored = 0;
    let after: string | undefined;
    do {
      const page = await table.list(100, after);
      const held = deps.holds ? page.stages.filter((stage) => deps.holds!(stage)) : page.stages;
      await cacheInRedis(held, { restoring: true });
      restored += held.length;
      after = page.lastId;
    } while (after !== undefined);
    // "registry": the sync job still has each stage's last snapshot count to restore ("full").
    // `rs` says for one presence TTL that counts may answer restore estimates meanwhile; a new
    // generation `g` voids the presence tickets handed out before the loss.
    const [, , generation] = await redisCall(isolate.redisGuard, () =>
      redis
        .pipeline()
        .set(keys.restoredAt(), String(nowMs), { nx: true, ex: deps.presenceTtlSec })
        .set(keys.generation(), newGeneration(), { nx: true })
        .get(keys.generation())
        .set(keys.marker(), "registry", { nx: true })
        .exec<[unknown, unknown, string | null, unknown]>(),
    );
    // Tickets this isolate signs from now on name the new generation.
    if (generation !== null) isolate.registry.generation = String(generation);
    if (isolate.registry.restoredAtMs === undefined) isolate.registry.restoredAtMs = nowMs;
    return restored;
  }
  return registry;
}

export type StageRegistry = ReturnType<typeof stageRegistry>;
