import type { PipelineStep } from "@viewer-presence/shared/pipeline-scripts";
import type { RedisKeys } from "@viewer-presence/shared/redis-keys";
import {
  beginRegistryRebuild,
  completeRegistryCall,
  registryCompleted,
} from "@viewer-presence/shared/registry-marker";
import { type Stage, type StoredStage, toStage } from "@viewer-presence/shared/stage";
import { putStageCopiesCall, restoreStageCopySteps } from "@viewer-presence/shared/stage-copies";
import {
  applyRegistryCheck,
  cachedStage,
  type IsolateState,
  rememberStage,
} from "../isolate/isolate-state";
import { REGISTRY } from "../isolate/registry-memory";
import { decodeRegistryCheck, registryCheckKeys } from "../presence/registry-check";
import { StoreUnavailableError } from "../problems";
import { type EdgeRedis, pipelineCall, redisCall } from "../redis-client";
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
  /** Keeps the request alive until `work` settles, even if its client leaves (`waitUntil`). */
  keepAlive?: (work: Promise<unknown>) => void;
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

    /**
     * The stage, or `undefined` when it does not exist. When Redis lost its data, the registry
     * is rebuilt first, then read once more: still incomplete (the rebuild another request runs
     * has not finished, or Redis lost its data again), the answer is a 503.
     */
    async lookup(stageId: string): Promise<Stage | undefined> {
      const cached = cachedStage(isolate, stageId, nowMs);
      if (cached?.current && !cached.checkDue) return cached.stage ?? undefined;
      const first = await read(stageId);
      if (!first.lost) return first.stage;
      await registry.restore();
      const again = await read(stageId);
      if (again.lost) throw registryRebuilding();
      return again.stage;
    },

    /**
     * Puts in force a version of the stage DynamoDB has just confirmed, unless this database
     * already holds that revision or a newer one (shared/stage-copies.ts): a write that times
     * out here may still land later, after a newer one, and must not undo it.
     */
    async put(stored: StoredStage): Promise<void> {
      const call = putStageCopiesCall(keys, [{ id: stored.stage.id, stored }]);
      await pipelineCall({ redis, isolate }, [call]);
      registry.remember(stored.stage.id, stored.stage);
    },

    /**
     * Copies every stage from DynamoDB into Redis, then sets the marker, unless Redis lost its
     * data again meanwhile (then the next request rebuilds it again). Idempotent: several
     * isolates restoring at once write the same values. Heartbeats of many stages notice one
     * loss at once, and one listing of every stage per isolate is enough: while a request of
     * this isolate runs it, the others wait for it on their own timers (RESTORE_WAIT_MS at
     * most; never on its promise, which workerd forbids). Throws the 503 of
     * {@link registryRebuilding} when the one waited for has not rebuilt it (still running,
     * failed, or its request was cancelled).
     */
    async restore(): Promise<void> {
      if (isolate.registry.restores.begin(REGISTRY, nowMs)) {
        // Finished (and its mark ended) even if this request's client leaves meanwhile: others
        // wait for it. The lease covers a request that dies all the same.
        const rebuild = restoreAll().finally(() => isolate.registry.restores.end(REGISTRY));
        deps.keepAlive?.(rebuild);
        await rebuild;
        return;
      }
      await isolate.registry.restores.waitFor(REGISTRY, nowMs);
      // A rebuild sets `restoredAtMs`; noticing the loss cleared it (`rs` went with the data).
      if (isolate.registry.view.restoredAtMs === undefined) throw registryRebuilding();
    },
  };

  /** A stage's copy in Redis, with the registry check (`lost`: the marker is gone). */
  async function read(stageId: string): Promise<{ lost: boolean; stage?: Stage }> {
    const steps: PipelineStep[] = [
      (pipeline) => pipeline.get(keys.stage(stageId)),
      (pipeline) => pipeline.mget(...registryCheckKeys(keys)),
    ];
    const [config, check] = await pipelineCall({ redis, isolate }, steps);
    if (applyRegistryCheck(isolate, decodeRegistryCheck(check).check, nowMs) === "lost") {
      return { lost: true };
    }
    const stage = config == null ? undefined : toStage(JSON.parse(String(config)));
    registry.remember(stageId, stage);
    return { lost: false, stage };
  }

  /**
   * One rebuild: every held stage's copy, then the marker, unless Redis lost its data again
   * meanwhile (shared/registry-marker.ts): then it returns with the marker unset, `lookup`'s
   * re-read finds it gone (a 503), and the next request rebuilds again.
   */
  async function restoreAll(): Promise<void> {
    const generation = await redisCall(isolate.redisGuard, () => beginRegistryRebuild(redis, keys));
    const table = deps.table();
    let after: string | undefined;
    do {
      const page = await table.list(100, after);
      const held = deps.holds ? page.stages.filter(({ stage }) => deps.holds!(stage)) : page.stages;
      if (held.length > 0) {
        const steps = restoreStageCopySteps(keys, held);
        await pipelineCall({ redis, isolate }, steps);
      }
      after = page.lastId;
    } while (after !== undefined);
    // "registry": the sync job still has each stage's last snapshot count to restore ("full").
    // `rs` says for one presence TTL that counts may answer restore estimates meanwhile; the new
    // generation `g` voids the presence tickets handed out before the loss.
    const complete = completeRegistryCall(keys, { generation, marker: "registry" });
    const steps: PipelineStep[] = [
      (pipeline) =>
        pipeline.set(keys.restoredAt(), String(nowMs), { nx: true, ex: deps.presenceTtlSec }),
      complete,
    ];
    const [, completed] = await pipelineCall({ redis, isolate }, steps);
    if (!registryCompleted(completed)) return;
    // Tickets this isolate signs from now on name the new generation.
    isolate.registry.view.generation = generation;
    if (isolate.registry.view.restoredAtMs === undefined)
      isolate.registry.view.restoredAtMs = nowMs;
  }
  return registry;
}

export type StageRegistry = ReturnType<typeof stageRegistry>;

/**
 * Redis lost its data and the stage registry is not rebuilt yet (another request of this
 * isolate is rebuilding it, or the data was lost again meanwhile): a 503 with Retry-After,
 * never a 404 for a stage that exists.
 */
export function registryRebuilding(): StoreUnavailableError {
  return new StoreUnavailableError("redis", {
    cause: new Error("Redis lost its data; the stage registry is being rebuilt"),
  });
}
