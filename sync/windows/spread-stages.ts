import { execPipeline } from "@viewer-presence/shared/pipeline-scripts";
import type { RedisKeys } from "@viewer-presence/shared/redis-keys";
import { stageDatabases } from "@viewer-presence/shared/rendezvous";
import { type Stage, toStage } from "@viewer-presence/shared/stage";
import { RedisReplyError, type SyncRedis } from "../sync-redis";
import { findClosedSlotWindows, type SlotWorkList } from "./find-work";

/**
 * Stages spread over several databases (`databases` > 1, shared/rendezvous.ts) in the sync job.
 * Their viewers are disjoint across the stage's databases, so a window's figures add up over
 * them; but only one run may write the window's items. That run is the home's (the stage's
 * first database): it reads every part of the stage's windows and hours, marks them synced,
 * closes the hours, and deletes their keys in every database. The other databases' runs leave
 * those stages alone.
 */

/** The databases of one deployment, as a run sees them. */
export interface DeploymentDatabases {
  /** Which of `urls` this run syncs. */
  database: number;
  urls: readonly string[];
  /** A client for another database of the deployment (bound to the run's deadline). */
  redisOf(database: number): SyncRedis;
}

/** What this run does about spread stages. */
export interface SpreadPlan {
  /** Spread stages whose home is another database: this run leaves their keys alone. */
  elsewhere: ReadonlySet<string>;
  /** Spread stages whose home is this database: their other databases' clients. */
  homed: ReadonlyMap<string, SyncRedis[]>;
}

export const NO_SPREAD: SpreadPlan = { elsewhere: new Set(), homed: new Map() };

/** Reads this database's spread stages (`spr`, then their copies: two commands). */
export async function readSpreadPlan(
  redis: Pick<SyncRedis, "smembers" | "pipeline">,
  keys: RedisKeys,
  deployment: DeploymentDatabases,
): Promise<SpreadPlan> {
  const ids = (await redis.smembers(keys.spreadStages())).map(String);
  if (ids.length === 0) return NO_SPREAD;
  const [copies] = await execPipeline(redis, [
    (pipeline) => pipeline.mget(...ids.map((id) => keys.stage(id))),
  ]);
  if (!Array.isArray(copies)) throw new RedisReplyError("MGET", copies);
  const elsewhere = new Set<string>();
  const homed = new Map<string, SyncRedis[]>();
  copies.forEach((json: unknown) => {
    if (json === null) return;
    const stage: Stage = toStage(JSON.parse(String(json)));
    const parts = stageDatabases(deployment.urls, stage);
    if (parts.length <= 1 || !parts.includes(deployment.database)) return;
    if (parts[0] !== deployment.database) elsewhere.add(stage.id);
    else
      homed.set(
        stage.id,
        parts.slice(1).map((part) => deployment.redisOf(part)),
      );
  });
  return { elsewhere, homed };
}

/** The stage of a `<stage>:<epoch>` or `<stage>:<window>` member. */
export const stageOf = (member: string) => member.slice(0, member.lastIndexOf(":"));

/** A spread stage's part of the work in one of its other databases. */
export interface PartWork {
  stageId: string;
  redis: SyncRedis;
  work: SlotWorkList;
  /** `<stage>:<epoch>` of the stage's hours indexed there (`ixs`). */
  indexedEpochs: string[];
}

/**
 * Adds to this run's own work (`own`) what the home of spread stages finds in their other
 * databases, and drops the stages whose home is elsewhere. A window found in any part becomes
 * one window, with the other parts' bitmaps in `parts`.
 */
export async function withSpreadWork(
  own: SlotWorkList,
  plan: SpreadPlan,
  find: (redis: SyncRedis, stageId: string) => Promise<SlotWorkList>,
  indexedEpochsOf: (redis: SyncRedis) => Promise<string[]>,
): Promise<{ work: SlotWorkList; parts: PartWork[] }> {
  // A stage whose home is elsewhere never has a window in this database's `bsy` (its home
  // marks its windows synced at home), so none of its bitmaps is among `expiredBitmaps`.
  const work: SlotWorkList = {
    windows: own.windows.filter((w) => !plan.elsewhere.has(w.stageId)),
    deferred: own.deferred,
    epochsInUse: new Set([...own.epochsInUse].filter((m) => !plan.elsewhere.has(stageOf(m)))),
    expiredBitmaps: own.expiredBitmaps,
  };
  const parts: PartWork[] = [];
  const byWindow = new Map(work.windows.map((w) => [`${w.stageId}:${w.window}`, w]));
  for (const [stageId, others] of plan.homed) {
    for (const redis of others) {
      const [found, indexed] = await Promise.all([find(redis, stageId), indexedEpochsOf(redis)]);
      parts.push({
        stageId,
        redis,
        work: found,
        indexedEpochs: indexed.filter((member) => stageOf(member) === stageId),
      });
      for (const member of found.epochsInUse) work.epochsInUse.add(member);
      for (const window of found.windows) {
        const id = `${stageId}:${window.window}`;
        let merged = byWindow.get(id);
        if (merged === undefined) {
          merged = { stageId, window: window.window, epoch: window.epoch, bitmaps: [] };
          byWindow.set(id, merged);
          work.windows.push(merged);
        }
        merged.parts = [...(merged.parts ?? []), { redis, bitmaps: window.bitmaps }];
      }
    }
  }
  work.windows.sort((a, b) => a.window - b.window || (a.stageId < b.stageId ? -1 : 1));
  return { work, parts };
}

/** The closed windows of one stage in one database (SCAN of its bitmaps only). */
export function findStageWindows(
  prefix: string,
  nowMs: number,
  options: Omit<Parameters<typeof findClosedSlotWindows>[3], "maxWindows">,
) {
  return (redis: SyncRedis, stageId: string) =>
    findClosedSlotWindows(redis, prefix, nowMs, {
      ...options,
      maxWindows: Number.POSITIVE_INFINITY,
      stageId,
    });
}
