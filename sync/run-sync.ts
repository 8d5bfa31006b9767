import type { DocumentClient } from "@viewer-presence/shared/clients";
import type { Config } from "@viewer-presence/shared/config";
import { cadenceFor, countedWidthsSec } from "@viewer-presence/shared/heartbeat-cadence";
import { execPipeline } from "@viewer-presence/shared/pipeline-scripts";
import { redisKeys } from "@viewer-presence/shared/redis-keys";
import type { Stage } from "@viewer-presence/shared/stage";
import {
  chooseInterval,
  maxPresenceTtlSec,
  readCadence,
  type SyncCadenceConfig,
} from "./budget-interval";
import { countLiveViewers } from "./count-live";
import { drainAuditStreams } from "./drain-audit";
import { summarizeDueBroadcasts } from "./history/broadcast-summaries";
import { dropEndedIndexes } from "./history/drop-ended-indexes";
import { writeDueViewerDays } from "./history/viewer-days";
import { restoreFromSnapshots } from "./registry/restore";
import { settleStages } from "./registry/settle-stages";
import { emptyReport, type RunReport, reportLogLine, SyncRunError } from "./run-report";
import { acquireLock, DEFAULT_LOCK_TTL_MS, releaseLock } from "./sync-lock";
import type { SyncRedis } from "./sync-redis";
import type { BatchWriteOptions } from "./windows/batch-write";
import { findClosedSlotWindows, readSyncedWindows } from "./windows/find-work";
import {
  type DeploymentDatabases,
  findStageWindows,
  NO_SPREAD,
  readSpreadPlan,
  withSpreadWork,
} from "./windows/spread-stages";
import { syncSlotWindows } from "./windows/sync-slot-windows";
import { MAX_PACKED_ITEM_BYTES, PACKING_MARGIN_BYTES } from "./windows/window-items";

export interface RunSyncDeps {
  /** Upstash client with raw replies (`createRedis` from shared/clients.ts). */
  redis: SyncRedis;
  /**
   * The client that takes and releases the lock (default `redis`). Give one whose calls are not
   * bound to `deadline`, so a run that ran out of time still releases its lock.
   */
  lockRedis?: SyncRedis;
  db: DocumentClient;
  /** The whole run's deadline: once it aborts, no further step starts. */
  deadline?: AbortSignal;
  config: Pick<Config, "dynamodbTable" | "redisKeyPrefix" | "redisDatabases"> & SyncCadenceConfig;
  /** The clock, epoch ms. */
  now: () => number;
  /** Receives the run's one JSON log line (default console.log). */
  log?: (line: string) => void;
  /** Uniform in [0, 1): backoff jitter (default Math.random). */
  random?: () => number;
  /** Whether this Redis database holds a stage (its home or a part; default: every stage). */
  holds?: (stage: Stage) => boolean;
  /**
   * Every database of the deployment, when there are several: the run syncs the stages spread
   * over several databases whose home is this one, reading their other databases too
   * (spread-stages.ts).
   */
  deployment?: DeploymentDatabases;
  /**
   * Leave the budget's interval to the caller: with several databases it depends on the
   * audience of all of them (syncOnce chooses it once every database's run is done).
   */
  budgetElsewhere?: boolean;
}

export interface RunSyncOptions {
  /** How long the lock outlives a run that died holding it, in ms (default 720 000). */
  lockTtlMs?: number;
  /**
   * Most closed windows synced per run, oldest first; the rest wait (default 50 000: 10,000
   * stages leave 10,000 windows every 5 minutes, and a run streams them in bounded memory, so
   * what ends a long run is its deadline, after which the windows not yet written wait).
   */
  maxWindows?: number;
  /**
   * Most ended hours closed (rolled up, their index dropped) per run, oldest first; the rest
   * wait for the next run (default 1,000). Closing an hour costs about a dozen Redis and DynamoDB
   * calls: in the sync benchmark, a run that synced 10,000 stages' windows and then closed their
   * hours ran into its 10-minute deadline after about 9,300 of them, with 12 minutes of CPU in
   * all (BENCHMARKS.md), more than a Worker's 5; a thousand a run close them within a few runs,
   * long before the next hour ends.
   */
  maxHoursPerRun?: number;
  /** Time after a window's end before it counts as closed, in ms (default 10 000). */
  closeGraceMs?: number;
  /** Days snapshots are kept (their `ttl`; default 30). */
  snapshotTtlDays?: number;
  /** Days audit events are kept; absent keeps them for good. */
  auditTtlDays?: number;
  /** Windows read per pipelined request and written per batchWrite (default 25). */
  batchWindows?: number;
  /** Largest packed viewing-records item, in bytes, margin included (default 1024 - 32). */
  maxItemBytes?: number;
  /** Items written together, and a large window's progress saved after each write (default 100). */
  flushItems?: number;
  /** Viewer indexes read per slot-bitmap window per request (default 4,096). */
  chunkViewers?: number;
  /** Most audit events moved per stream per run (default 50 000). */
  maxAuditEntriesPerStream?: number;
  /** batchWrite tuning (concurrency, attempts, backoff, `sleep` for tests). */
  write?: Omit<BatchWriteOptions, "random">;
  /** The run's id (default a random UUID); it is the lock's value. */
  runId?: string;
}

/**
 * One run of the sync job (docs/sync-job.md). In order:
 * 1. takes the lock (`SET lock <runId> NX PX`); if another run holds it, returns a report with
 *    `skipped: "locked"` and does nothing else;
 * 2. restores registry and estimates from DynamoDB when the marker `m` is not `full`, and
 *    puts DynamoDB's version of every stage marked unsettled in force in Redis
 *    (settle-stages.ts);
 * 3. moves every closed watch window to DynamoDB (snapshot + packed viewing records), marking
 *    a window synced in Redis only after DynamoDB confirmed all of its items;
 *    and drops the viewer index of every ended epoch whose windows are all synced;
 * 4. with a hot-path budget (HOT_PATH_BUDGET_USD), counts the live audience and chooses the
 *    heartbeat interval for it (`iv`);
 * 5. drains audit streams into DynamoDB;
 * 6. releases the lock if it is still this run's, and logs the report as one JSON line.
 *
 * With a `deadline` (syncOnce gives every run one), a run that reaches it starts no further
 * step; its calls in flight were aborted by the same signal; it still releases its lock.
 *
 * A step that fails does not stop the steps that do not depend on it (pruning runs even when
 * DynamoDB is down); at the end, any failure is thrown as {@link SyncRunError} carrying the
 * report: never swallowed. What was not written stays in Redis for the next run.
 */
export async function runSync(deps: RunSyncDeps, options: RunSyncOptions = {}): Promise<RunReport> {
  const { redis, db, config, now } = deps;
  const lockRedis = deps.lockRedis ?? redis;
  const log = deps.log ?? ((line: string) => console.log(line));
  const keys = redisKeys(config.redisKeyPrefix);
  const startedAt = performance.now();
  const nowMs = now();
  const runId = options.runId ?? crypto.randomUUID();
  const report = emptyReport(runId, nowMs);
  const finish = () => {
    report.durationMs = Math.round(performance.now() - startedAt);
    report.finishedAt = new Date(now()).toISOString();
    log(reportLogLine(report));
    return report;
  };

  let locked: boolean;
  try {
    locked = await acquireLock(
      lockRedis,
      keys.syncLock(),
      runId,
      options.lockTtlMs ?? DEFAULT_LOCK_TTL_MS,
    );
  } catch (error) {
    report.errors = [`lock: ${describe(error)}`];
    // A SET that timed out may still reach Redis (a stalled Redis runs it once it runs again)
    // and hold the lock for its whole TTL, skipping the next run: release it if it is ours.
    // Sent after the SET, it normally runs after it; if not, the lock expires by its TTL (one
    // cron run skipped, nothing lost).
    try {
      await releaseLock(lockRedis, keys.syncLock(), runId);
    } catch (unlockError) {
      report.errors.push(`unlock: ${describe(unlockError)}`);
    }
    finish();
    throw new SyncRunError(report, { cause: error });
  }
  if (!locked) {
    report.skipped = "locked";
    return finish();
  }

  const errors: { step: string; error: unknown }[] = [];
  const step = async (name: string, run: () => Promise<void>): Promise<boolean> => {
    if (deps.deadline?.aborted) {
      errors.push({ step: name, error: new Error("not started: the run's deadline passed") });
      return false;
    }
    try {
      await run();
      return true;
    } catch (error) {
      errors.push({ step: name, error });
      return false;
    }
  };
  const write: BatchWriteOptions = { ...options.write, random: deps.random ?? Math.random };
  // The interval in force decides who counts as live; if it cannot be read, the configured one.
  let cadence = cadenceFor(config);
  // Slot widths the live count covers: the interval in force and the configured one.
  let countWidths = countedWidthsSec(config, cadence);

  try {
    await step("cadence", async () => {
      cadence = await readCadence(redis, keys, config);
      countWidths = countedWidthsSec(config, cadence);
    });
    await step("restore", async () => {
      const marker = await redis.get<string>(keys.marker());
      if (marker !== null && String(marker) === "full") return;
      report.restored = await restoreFromSnapshots(
        { redis, db, keys },
        {
          tableName: config.dynamodbTable,
          presenceTtlSec: cadence.presenceTtlSec,
          nowMs,
          ...(deps.holds ? { holds: deps.holds } : {}),
        },
      );
    });
    await step("settle", async () => {
      const settled = await settleStages(
        {
          redis,
          db,
          keys,
          ...(deps.deployment ? { deployment: deps.deployment } : {}),
          ...(deps.holds ? { holds: deps.holds } : {}),
        },
        { tableName: config.dynamodbTable, keyPrefix: config.redisKeyPrefix, nowMs },
      );
      if (settled > 0) report.settledStages = settled;
    });
    const windowsSynced = await step("windows", async () => {
      const graceMs = options.closeGraceMs ?? 10_000;
      const presenceKeepSec = maxPresenceTtlSec(config);
      const synced = await readSyncedWindows(redis, keys, nowMs, presenceKeepSec);
      const ownSlotWork = await findClosedSlotWindows(redis, config.redisKeyPrefix, nowMs, {
        graceMs,
        maxWindows: options.maxWindows ?? 50_000,
        synced,
      });
      const plan = deps.deployment ? await readSpreadPlan(redis, keys, deps.deployment) : NO_SPREAD;
      const { work: slotWork, parts } = await withSpreadWork(
        ownSlotWork,
        plan,
        findStageWindows(config.redisKeyPrefix, nowMs, { graceMs, synced }),
        async (other) => (await other.smembers(keys.indexedEpochs())).map(String),
      );
      report.deferredWindows = slotWork.deferred;
      await syncSlotWindows(
        { redis, db, keys },
        slotWork.windows,
        {
          nowMs,
          tableName: config.dynamodbTable,
          presenceTtlSec: cadence.presenceTtlSec,
          snapshotTtlDays: options.snapshotTtlDays ?? 30,
          batchWindows: options.batchWindows ?? 25,
          maxItemBytes: options.maxItemBytes ?? MAX_PACKED_ITEM_BYTES - PACKING_MARGIN_BYTES,
          ...(options.flushItems === undefined ? {} : { flushItems: options.flushItems }),
          write,
          countWidthsSec: countWidths,
          ...(options.chunkViewers === undefined ? {} : { chunkViewers: options.chunkViewers }),
          ledger: {
            redisUrl: config.redisDatabases[deps.deployment?.database ?? 0]?.url ?? "",
            keyPrefix: config.redisKeyPrefix,
          },
        },
        report,
      );
      if (slotWork.expiredBitmaps.length > 0) await redis.del(...slotWork.expiredBitmaps);
      // A spread stage's synced windows in its other databases go with the home's.
      for (const part of parts) {
        if (part.work.expiredBitmaps.length > 0) await part.redis.del(...part.work.expiredBitmaps);
      }
      if (synced.expired.size > 0) {
        const [first, ...rest] = synced.expired;
        await redis.srem(keys.syncedWindows(), first!, ...rest);
      }
      report.droppedIndexes = await dropEndedIndexes(
        { redis, db, keys, tableName: config.dynamodbTable },
        nowMs,
        {
          graceMs,
          maxHours: options.maxHoursPerRun ?? 1_000,
          epochsInUse: slotWork.epochsInUse,
          spread: { plan, partEpochs: parts.flatMap((part) => part.indexedEpochs) },
        },
      );
    });
    if (config.hotPathBudgetUsd !== undefined && !deps.budgetElsewhere) {
      await step("cadence", async () => {
        const liveViewers = await countLiveViewers(redis, keys, nowMs, {
          presenceTtlSec: cadence.presenceTtlSec,
          widthsSec: countWidths,
        });
        report.liveViewers = liveViewers;
        report.heartbeatIntervalSec = await chooseInterval(redis, keys, config, liveViewers, nowMs);
      });
    }
    // Broadcasts and viewers' days are summed from synced windows: only once every closed
    // window is (none failed, none deferred), so a summary never misses one.
    if (windowsSynced && report.deferredWindows === 0) {
      const analytics = {
        db,
        tableName: config.dynamodbTable,
        write,
        report,
        // Stages of this deployment's registry (a table shared by tests, or a deployment before
        // a restore, may list others) and, with several databases, whose home this is: a stage
        // named by its id alone (no `databases`) is held by its home only, so a stage spread
        // over several databases is summarised once, by its home's run.
        held: async (stageIds: readonly string[]) => {
          if (stageIds.length === 0) return [];
          const flags = await execPipeline(
            redis,
            stageIds.map((stageId) => (pipeline) => pipeline.sismember(keys.stages(), stageId)),
          );
          return stageIds.map(
            (id, at) => Number(flags[at]) === 1 && (deps.holds?.({ id } as Stage) ?? true),
          );
        },
      };
      await step("broadcasts", async () => {
        const summarised = await summarizeDueBroadcasts(analytics, nowMs);
        if (summarised > 0) report.broadcasts = summarised;
      });
      await step("viewer-days", async () => {
        const days = await writeDueViewerDays(analytics, nowMs);
        if (days > 0) report.viewerDays = days;
      });
    }
    // After a failed window write DynamoDB is most likely still failing: leave the streams be.
    if (windowsSynced) {
      await step("audit", () =>
        drainAuditStreams(
          { redis, db },
          config.redisKeyPrefix,
          {
            nowMs,
            tableName: config.dynamodbTable,
            ttlDays: options.auditTtlDays,
            pageSize: 1000,
            maxEntriesPerStream: options.maxAuditEntriesPerStream ?? 50_000,
            write,
          },
          report,
        ),
      );
    }
  } finally {
    // Not a `step`: the lock is released even after the run's deadline.
    try {
      await releaseLock(lockRedis, keys.syncLock(), runId);
    } catch (error) {
      errors.push({ step: "unlock", error });
    }
  }

  if (errors.length === 0) return finish();
  report.errors = errors.map(({ step, error }) => `${step}: ${describe(error)}`);
  finish();
  throw new SyncRunError(report, {
    cause: errors.length === 1 ? errors[0]!.error : new AggregateError(errors.map((e) => e.error)),
  });
}

/** `Name (code): message`, followed by the causes' messages (network errors hide there). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  let text = `${error.name}${typeof code === "string" ? ` (${code})` : ""}: ${error.message}`;
  for (let cause = error.cause, depth = 0; cause instanceof Error && depth < 3; depth++) {
    text += ` <- ${cause.message}`;
    cause = cause.cause;
  }
  return text;
}
