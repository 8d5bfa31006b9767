import type { DocumentClient } from "@viewer-presence/shared/clients";
import { execPipeline } from "@viewer-presence/shared/pipeline-scripts";
import type { RedisKeys } from "@viewer-presence/shared/redis-keys";
import {
  beginRegistryRebuild,
  completeRegistryCall,
  registryCompleted,
} from "@viewer-presence/shared/registry-marker";
import {
  estimateFromSnapshot,
  formatEstimate,
  readLatestSnapshot,
} from "@viewer-presence/shared/snapshot-estimate";
import type { Stage, StoredStage } from "@viewer-presence/shared/stage";
import { restoreStageCopySteps } from "@viewer-presence/shared/stage-copies";
import { listStagePage } from "@viewer-presence/shared/stage-listing";
import { mapConcurrent } from "../map-concurrent";
import type { SyncRedis } from "../sync-redis";

/** What a restore put back into Redis. */
export interface RestoreResult {
  /** Stages checked against DynamoDB's listing (every stage this database holds). */
  stages: number;
  /**
   * Of those, stages whose copy was missing from Redis and was written back. 0 on a new
   * database, whose stages the edge wrote as they were created: nothing was lost.
   */
  stagesPutBack: number;
  /** Stages given an estimate (`e:<stage>`) from their last snapshot. */
  estimates: number;
}

export interface RestoreOptions {
  tableName: string;
  /** The run's clock, epoch ms. */
  nowMs: number;
  /** How long an estimate lasts, in s: live heartbeats rebuild presence within one TTL. */
  presenceTtlSec: number;
  /** Snapshot Queries in flight at once (default 8). */
  concurrency?: number;
  /** Whether this Redis database holds a stage (its home or a part; default: every stage). */
  holds?: (stage: Stage) => boolean;
}

/** Stages written to Redis per pipelined request. */
const RESTORE_BATCH_STAGES = 250;

/**
 * The seed's `restoreFromSnapshot`, done right, for when Redis lost its data (marker `m`
 * missing, or `registry` after the edge rebuilt only the registry):
 * 1. every stage from the `gsi1` listing (Query, paginated; never a Scan) goes back into Redis:
 *    `s:<id>` with its revision (SET NX: a copy already there is as new or newer) and SADD
 *    `stages` (shared/stage-copies.ts);
 * 2. for each live stage, one Query for its latest snapshot (newest first, `Limit: 1`) sets
 *    `e:<id>` = `{ viewers, asOf }`, expiring one presence TTL after the loss (`rs`), unless the
 *    snapshot is older than ESTIMATE_MAX_AGE_MS at the loss (an audience that may have left);
 * 3. the marker becomes `full`, last, so a restore cut short is done again by the next run;
 *    and only if Redis kept its data since step 1 (shared/registry-marker.ts), else the run
 *    fails with {@link RestoreUndoneError} and the next one restores again.
 */
export async function restoreFromSnapshots(
  deps: {
    redis: Pick<SyncRedis, "pipeline" | "set" | "get">;
    db: DocumentClient;
    keys: RedisKeys;
  },
  options: RestoreOptions,
): Promise<RestoreResult> {
  const { redis, db, keys } = deps;
  // The loss happened when the edge first restored (`rs`), or now if this run is the first to
  // notice; estimates are measured against that moment and last one presence TTL from it.
  await redis.set(keys.restoredAt(), String(options.nowMs), {
    nx: true,
    ex: options.presenceTtlSec,
  });
  const generation = await beginRegistryRebuild(redis, keys);
  const restoredAt = Number((await redis.get<string>(keys.restoredAt())) ?? options.nowMs);
  const estimateTtlSec = Math.ceil(
    (restoredAt + options.presenceTtlSec * 1000 - options.nowMs) / 1000,
  );
  const holds = options.holds;
  const stages = (await listStages(db, options.tableName)).filter(
    ({ stage }) => holds === undefined || holds(stage),
  );
  const estimates = await mapConcurrent(
    estimateTtlSec > 0
      ? stages.filter(({ stage }) => stage.status !== "ended").map(({ stage }) => stage)
      : [],
    options.concurrency ?? 8,
    async (stage) => {
      const snapshot = await readLatestSnapshot(db, options.tableName, stage.id);
      return { id: stage.id, estimate: snapshot && estimateFromSnapshot(snapshot, restoredAt) };
    },
  );
  const estimateById = new Map(estimates.map((e) => [e.id, e.estimate]));

  let restoredEstimates = 0;
  let putBack = 0;
  for (let start = 0; start < stages.length; start += RESTORE_BATCH_STAGES) {
    const batch = stages.slice(start, start + RESTORE_BATCH_STAGES);
    // Its first replies are the copies' SET NX, one per stage: "OK" where the copy was missing.
    const steps = restoreStageCopySteps(keys, batch);
    for (const { stage } of batch) {
      const estimate = estimateById.get(stage.id);
      if (estimate === undefined) continue;
      // NX: an estimate the edge already wrote came from the same snapshot or a newer one.
      steps.push((pipeline) =>
        pipeline.set(keys.estimate(stage.id), formatEstimate(estimate), {
          nx: true,
          ex: estimateTtlSec,
        }),
      );
      restoredEstimates++;
    }
    const replies = await execPipeline(redis, steps);
    putBack += replies.slice(0, batch.length).filter((reply) => reply !== null).length;
  }
  const complete = completeRegistryCall(keys, { generation, marker: "full" });
  const [completed] = await execPipeline(redis, [complete]);
  if (!registryCompleted(completed)) {
    throw new RestoreUndoneError();
  }
  return { stages: stages.length, stagesPutBack: putBack, estimates: restoredEstimates };
}

/**
 * Redis lost its data again while the restore wrote it back (a FLUSHALL, a restart empty): the
 * marker is left unset, so the edge rebuilds the registry and the next run restores.
 */
export class RestoreUndoneError extends Error {
  override readonly name = "RestoreUndoneError";
  readonly code = "redis_lost_during_restore";
  constructor() {
    super("Redis lost its data during the restore; the marker is left unset for the next run");
  }
}

/** Every stage's configuration as stored, every page of the stage index. */
async function listStages(db: DocumentClient, tableName: string): Promise<StoredStage[]> {
  const stages: StoredStage[] = [];
  let after: string | undefined;
  do {
    const page = await listStagePage(db, tableName, RESTORE_BATCH_STAGES, after);
    stages.push(...page.stages);
    after = page.lastId;
  } while (after !== undefined);
  return stages;
}
