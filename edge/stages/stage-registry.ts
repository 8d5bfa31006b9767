import { newGeneration } from "@viewer-presence/shared/presence-ticket";
import type { RedisKeys } from "@viewer-presence/shared/redis-keys";
import { type Stage, type StoredStage, toStage } from "@viewer-presence/shared/stage";
import {
  PUT_STAGE_COPIES_SCRIPT,
  putStageCopiesCall,
  restoreStageCopies,
} from "@viewer-presence/shared/stage-copies";
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
 * the databases that hold a stage (shared/rendezvous.ts) hold a copy of DynamoDB's version of it
 * (shared/stage-copies.ts) plus a marker `m` saying the copy is complete;
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
      const [config, check] = await redisCall(() => pipeline.exec<[string | null, unknown[]]>());
      if (applyRegistryCheck(isolate, check, nowMs) === "lost") {
        await registry.restore();
        return registry.lookup(stageId);
      }
      const stage = config === null ? undefined : toStage(JSON.parse(config));
      registry.remember(stageId, stage);
      return stage;
    },

    /**
     * Puts in force a version of the stage DynamoDB has just confirmed, unless this database
     * already holds that revision or a newer one (shared/stage-copies.ts): a write that times
     * out here may still land later, after a newer one, and must not undo it.
     */
    async put(stored: StoredStage): Promise<void> {
      const call = putStageCopiesCall(keys, [{ id: stored.stage.id, stored }]);
      await redisCall(() => redis.eval(PUT_STAGE_COPIES_SCRIPT, call.keys, call.args));
      registry.remember(stored.stage.id, stored.stage);
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
      const held = deps.holds ? page.stages.filter(({ stage }) => deps.holds!(stage)) : page.stages;
      if (held.length > 0) {
        const pipeline = redis.pipeline();
        restoreStageCopies(pipeline, keys, held);
        await redisCall(() => pipeline.exec());
      }
      restored += held.length;
      after = page.lastId;
    } while (after !== undefined);
    // "registry": the sync job still has each stage's last snapshot count to restore ("full").
    // `rs` says for one presence TTL that counts may answer restore estimates meanwhile; a new
    // generation `g` voids the presence tickets handed out before the loss.
    const [, , generation] = await redisCall(() =>
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
