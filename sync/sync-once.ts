import { createDocumentClient, createRedis } from "@viewer-presence/shared/clients";
import type { Config } from "@viewer-presence/shared/config";
import { SYNC_CALL_DEADLINES, SYNC_RUN_DEADLINE_MS } from "@viewer-presence/shared/deadlines";
import { countedWidthsSec } from "@viewer-presence/shared/heartbeat-cadence";
import { redisKeys } from "@viewer-presence/shared/redis-keys";
import { stageDatabases } from "@viewer-presence/shared/rendezvous";
import type { Stage } from "@viewer-presence/shared/stage";
import { chooseInterval, readCadence } from "./budget-interval";
import { countLiveViewers } from "./count-live";
import { mapConcurrent } from "./map-concurrent";
import { combineReports, type RunReport, SyncRunError } from "./run-report";
import { type RunSyncDeps, type RunSyncOptions, runSync } from "./run-sync";

/** The sync job's deadlines, in ms (defaults in shared/deadlines.ts; tests shorten them). */
export interface SyncDeadlines {
  /** Each Redis call. */
  redisMs: number;
  /** Each DynamoDB call. */
  dynamoMs: number;
  /** The whole run: then calls in flight are aborted, no step starts, the lock is released. */
  runMs: number;
}

export const DEFAULT_SYNC_DEADLINES: SyncDeadlines = {
  redisMs: SYNC_CALL_DEADLINES.redis.timeoutMs,
  dynamoMs: SYNC_CALL_DEADLINES.dynamo.timeoutMs,
  runMs: SYNC_RUN_DEADLINE_MS,
};

/**
 * The clients of one run: every call under its own deadline and under the run's (`deadline`),
 * except the lock's client, which is not bound to the run's deadline so that a run that ran
 * out of time still releases its lock.
 */
export function syncClients(
  config: Config,
  given: Partial<SyncDeadlines> = {},
  /** Which of `config.redisDatabases` (default the first). */
  database = 0,
) {
  const deadlines = { ...DEFAULT_SYNC_DEADLINES, ...given };
  const deadline = AbortSignal.timeout(deadlines.runMs);
  return {
    redis: createRedis(config, { timeoutMs: deadlines.redisMs, signal: deadline }, database),
    lockRedis: createRedis(config, { timeoutMs: deadlines.redisMs }, database),
    db: createDocumentClient(config, { timeoutMs: deadlines.dynamoMs, signal: deadline }),
    deadline,
  };
}

/**
 * One sync run per Redis database, at most `concurrency` at a time (default 1: one after
 * another), each under its own database's lock with clients built from the configuration for it
 * only ({@link syncClients}), and one report for all ({@link combineReports}; each run also logs
 * its own line, with its start and finish): what the Worker's `scheduled`, the Node CLI and the
 * Deno cron call. The Node CLI and the Deno cron pass `config.syncDatabaseConcurrency`; a Worker
 * without a queue keeps 1, since its runs share one isolate's 128 MB. A database whose run fails
 * does not stop the others; the failure is thrown at the end with the combined report.
 *
 * Worker: `ctx.waitUntil(syncOnce(parseConfig(env)))`.
 */
export async function syncOnce(
  config: Config,
  options: RunSyncOptions &
    Partial<Pick<RunSyncDeps, "now" | "log" | "random">> & {
      deadlines?: Partial<SyncDeadlines>;
      /** Only these databases (a queue message's; default every one). */
      databases?: readonly number[];
      /** Databases synced at once (default 1). */
      concurrency?: number;
    } = {},
): Promise<RunReport> {
  const runId = options.runId ?? crypto.randomUUID();
  const urls = config.redisDatabases.map((database) => database.url);
  const failures: unknown[] = [];
  const all = Array.from({ length: Math.max(1, urls.length) }, (_, database) => database);
  const { concurrency = 1, ...runOptions } = options;
  // In database order whatever order they finish in, so errors name the right database.
  const reports = await mapConcurrent(
    options.databases ?? all,
    concurrency,
    async (database): Promise<RunReport> => {
      try {
        return await syncDatabase(config, database, { ...runOptions, runId });
      } catch (error) {
        if (!(error instanceof SyncRunError)) throw error;
        failures.push(error);
        return error.report;
      }
    },
  );
  const report = combineReports(reports);
  if (urls.length > 1 && config.hotPathBudgetUsd !== undefined && !options.databases) {
    try {
      Object.assign(
        report,
        await chooseIntervalAcrossDatabases(config, { ...options, concurrency }),
      );
    } catch (error) {
      report.errors = [...(report.errors ?? []), `cadence: ${String(error)}`];
      failures.push(error);
    }
  }
  if (failures.length === 0) return report;
  throw new SyncRunError(report, {
    cause: failures.length === 1 ? failures[0] : new AggregateError(failures),
  });
}

/** One run over one database: its stages are those rendezvous hashing gives it. */
async function syncDatabase(
  config: Config,
  database: number,
  options: Parameters<typeof syncOnce>[1] & { runId: string },
): Promise<RunReport> {
  const { now, log, random, deadlines, databases: _only, ...runOptions } = options;
  const clients = syncClients(config, deadlines, database);
  try {
    return await runSync(
      {
        ...clients,
        config,
        now: now ?? Date.now,
        ...(log ? { log } : {}),
        ...(random ? { random } : {}),
        ...databaseRunDeps(config, database, clients.deadline, deadlines),
      },
      {
        snapshotTtlDays: config.snapshotRetentionDays,
        ...(config.auditRetentionDays === undefined
          ? {}
          : { auditTtlDays: config.auditRetentionDays }),
        ...runOptions,
      },
    );
  } finally {
    clients.db.destroy();
  }
}

/**
 * What a run over one of several databases needs beyond its clients: the stages it holds, and
 * the deployment's other databases (for the spread stages whose home it is), their clients
 * bound to the run's `deadline` like its own. Nothing with one database.
 */
export function databaseRunDeps(
  config: Config,
  database: number,
  deadline: AbortSignal,
  deadlines: Partial<SyncDeadlines> = {},
): Pick<RunSyncDeps, "holds" | "budgetElsewhere" | "deployment"> {
  const urls = config.redisDatabases.map((entry) => entry.url);
  if (urls.length <= 1) return {};
  return {
    holds: (stage: Stage) => stageDatabases(urls, stage).includes(database),
    budgetElsewhere: true,
    deployment: {
      database,
      urls,
      // Other databases' clients, made when a spread stage needs them.
      redisOf: (other: number) =>
        createRedis(
          config,
          { timeoutMs: { ...DEFAULT_SYNC_DEADLINES, ...deadlines }.redisMs, signal: deadline },
          other,
        ),
    },
  };
}

/**
 * With a hot-path budget and several databases: the interval that keeps the whole deployment
 * within budget depends on the live audience of every database, so it is chosen once, from their
 * sum, and written to each (`iv`).
 */
export async function chooseIntervalAcrossDatabases(
  config: Config,
  options: Pick<
    NonNullable<Parameters<typeof syncOnce>[1]>,
    "now" | "deadlines" | "concurrency"
  > = {},
): Promise<{ liveViewers: number; heartbeatIntervalSec?: number }> {
  const nowMs = (options.now ?? Date.now)();
  const keys = redisKeys(config.redisKeyPrefix);
  const concurrency = options.concurrency ?? 1;
  const clients = config.redisDatabases.map((_, database) =>
    createRedis(
      config,
      { timeoutMs: { ...DEFAULT_SYNC_DEADLINES, ...options.deadlines }.redisMs },
      database,
    ),
  );
  const live = await mapConcurrent(clients, concurrency, async (redis) => {
    const cadence = await readCadence(redis, keys, config);
    return countLiveViewers(redis, keys, nowMs, {
      presenceTtlSec: cadence.presenceTtlSec,
      widthsSec: countedWidthsSec(config, cadence),
    });
  });
  const liveViewers = live.reduce((sum, viewers) => sum + viewers, 0);
  const chosen = await mapConcurrent(clients, concurrency, (redis) =>
    chooseInterval(redis, keys, config, liveViewers, nowMs),
  );
  // Every database is given the same interval, chosen from the same sum.
  const heartbeatIntervalSec = chosen.at(-1);
  return heartbeatIntervalSec === undefined
    ? { liveViewers }
    : { liveViewers, heartbeatIntervalSec };
}
