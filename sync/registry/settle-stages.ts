import { reconcileBroadcast } from "@viewer-presence/shared/broadcasts";
import type { DocumentClient } from "@viewer-presence/shared/clients";
import { getItem } from "@viewer-presence/shared/dynamo-items";
import { stageKeys } from "@viewer-presence/shared/dynamo-keys";
import { execPipeline } from "@viewer-presence/shared/pipeline-scripts";
import type { RedisKeys } from "@viewer-presence/shared/redis-keys";
import { databaseForStage, stageDatabases } from "@viewer-presence/shared/rendezvous";
import { type Stage, type StoredStage, toStoredStage } from "@viewer-presence/shared/stage";
import { putStageCopiesCall, type StageCopyEntry } from "@viewer-presence/shared/stage-copies";
import {
  dropUnsettledMark,
  listUnsettledMarks,
  markStageUnsettled,
  type UnsettledMark,
} from "@viewer-presence/shared/unsettled-stages";
import { type SyncRedis, scanPage } from "../sync-redis";
import type { DeploymentDatabases } from "../windows/spread-stages";

/** Most marked stages settled per run (the rest wait for the next). */
const SETTLE_BATCH = 100;

/**
 * How long after its mark a stage write may still land in DynamoDB, in ms. The edge gives a
 * write up after its deadline (3 s), but a request already on its way is carried out when it
 * arrives; a minute covers one held up in a network queue. A mark younger than this is settled
 * and kept, so should the write land after this run read the stage, the next run settles it.
 */
export const UNSETTLED_GRACE_MS = 60_000;

export interface SettleOptions {
  tableName: string;
  /** The deployment's REDIS_KEY_PREFIX: whose marks these are. */
  keyPrefix: string;
  /** The run's clock, epoch ms. */
  nowMs: number;
}

/**
 * Puts DynamoDB's version of every stage marked unsettled (shared/unsettled-stages.ts) in force
 * in Redis: each is read back from DynamoDB (strongly consistent) and written to every database
 * it lives in, the parts first and its home last, unless a database holds that revision or a
 * newer one (shared/stage-copies.ts); a stage DynamoDB does not have loses any copy Redis holds
 * of it. Its broadcasts are made to agree with its status (shared/broadcasts.ts). With several
 * databases, a stage is settled by its home's run, which writes its other databases too. A mark
 * is dropped once its stage is settled and the grace has passed, so a run that fails midway
 * leaves it for the next. Returns how many copies were written or removed.
 *
 * So Redis disagrees with DynamoDB about a stage at most until the first run that starts after
 * the stage's write landed in DynamoDB (one cron period, 5 minutes), whatever part of the write
 * timed out and whenever its Redis writes land.
 */
export async function settleStages(
  deps: {
    redis: Pick<SyncRedis, "sscan" | "pipeline" | "srem">;
    db: DocumentClient;
    keys: RedisKeys;
    /** Every database, when there are several: the run settles the stages homed in its own. */
    deployment?: DeploymentDatabases;
    /** Without `deployment`: the stages this run's database holds (default every one). */
    holds?: (stage: Stage) => boolean;
  },
  options: SettleOptions,
): Promise<number> {
  const { db, deployment } = deps;
  await adoptRedisMarks(deps, options);
  const homedHere = (mark: UnsettledMark) =>
    deployment === undefined ||
    databaseForStage(deployment.urls, mark.stageId) === deployment.database;
  // A stage's marks, one per write; a stage is settled once for all of them.
  const marksOf = new Map<string, UnsettledMark[]>();
  for (const mark of await listUnsettledMarks(db, options.tableName, options.keyPrefix)) {
    if (!homedHere(mark)) continue;
    if (!marksOf.has(mark.stageId) && marksOf.size === SETTLE_BATCH) continue;
    marksOf.set(mark.stageId, [...(marksOf.get(mark.stageId) ?? []), mark]);
  }
  const read = await Promise.all(
    [...marksOf.keys()].map(async (id) => ({ id, stored: await readStage(db, options, id) })),
  );
  // A run that knows no other database settles only what its own holds, and leaves the rest.
  const settling = read.filter(
    ({ id, stored }) =>
      deployment !== undefined ||
      deps.holds === undefined ||
      deps.holds(stored?.stage ?? ({ id } as Stage)),
  );
  if (settling.length === 0) return 0;
  const written = await putCopies(deps, settling);
  // The edge starts and ends broadcasts after a stage write; one that failed did not.
  for (const { stored } of settling) {
    if (stored !== undefined) await reconcileBroadcast(db, options.tableName, stored.stage);
  }
  for (const { id } of settling) {
    for (const mark of marksOf.get(id)!) {
      if (options.nowMs - mark.markedAtMs < UNSETTLED_GRACE_MS) continue;
      await dropUnsettledMark(db, options.tableName, options.keyPrefix, mark);
    }
  }
  return written;
}

/**
 * Writes DynamoDB's versions to the databases that must hold them: every part first, then every
 * home, one script call per database. Returns how many copies were written or removed.
 */
async function putCopies(
  deps: { redis: Pick<SyncRedis, "pipeline">; keys: RedisKeys; deployment?: DeploymentDatabases },
  entries: readonly StageCopyEntry[],
): Promise<number> {
  const { redis, keys, deployment } = deps;
  const parts = new Map<number, StageCopyEntry[]>();
  const homes = new Map<number, StageCopyEntry[]>();
  const add = (to: Map<number, StageCopyEntry[]>, database: number, entry: StageCopyEntry) =>
    to.set(database, [...(to.get(database) ?? []), entry]);
  for (const entry of entries) {
    const [home, ...others] = databasesOf(deployment, entry);
    for (const database of others) add(parts, database, entry);
    add(homes, home!, entry);
  }
  let written = 0;
  for (const byDatabase of [parts, homes]) {
    for (const [database, batch] of byDatabase) {
      const client =
        deployment === undefined || database === deployment.database
          ? redis
          : deployment.redisOf(database);
      const call = putStageCopiesCall(keys, batch);
      const [copies] = await execPipeline(client, [call]);
      written += Number(copies);
    }
  }
  return written;
}

async function readStage(
  db: DocumentClient,
  { tableName }: SettleOptions,
  stageId: string,
): Promise<StoredStage | undefined> {
  const item = await getItem(db, tableName, stageKeys(stageId), { consistentRead: true });
  return item === undefined ? undefined : toStoredStage(item);
}

/**
 * The databases that must hold DynamoDB's version of a stage, its home first. A stage DynamoDB
 * does not have is removed from every database: its copies, if any, may be anywhere.
 */
function databasesOf(
  deployment: DeploymentDatabases | undefined,
  { id, stored }: StageCopyEntry,
): number[] {
  if (deployment === undefined) return [0];
  if (stored !== undefined) return stageDatabases(deployment.urls, stored.stage);
  const home = databaseForStage(deployment.urls, id);
  return [home, ...[...deployment.urls.keys()].filter((database) => database !== home)];
}

/**
 * Marks an edge of an earlier version left in Redis (`us`, written when a stage write to
 * DynamoDB timed out), made DynamoDB marks so that they are settled like the rest. One SSCAN a
 * run; remove once no deployment runs that version.
 */
async function adoptRedisMarks(
  deps: { redis: Pick<SyncRedis, "sscan" | "srem">; db: DocumentClient; keys: RedisKeys },
  options: SettleOptions,
): Promise<void> {
  const { redis, db, keys } = deps;
  const page = scanPage(await redis.sscan(keys.unsettledStages(), "0", { count: SETTLE_BATCH }));
  const ids = [...new Set(page.keys)];
  if (ids.length === 0) return;
  for (const stageId of ids) {
    await markStageUnsettled(db, options.tableName, options.keyPrefix, {
      stageId,
      markedAtMs: options.nowMs - UNSETTLED_GRACE_MS,
      markId: crypto.randomUUID(),
    });
  }
  await redis.srem(keys.unsettledStages(), ids[0]!, ...ids.slice(1));
}
