import { createDocumentClient, createRedis } from "../shared/clients";
import type { Config } from "../shared/config";
import { SYNC_CALL_DEADLINES, SYNC_RUN_DEADLINE_MS } from "../shared/deadlines";
import type { RunReport } from "./run-report";
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
export function syncClients(config: Config, given: Partial<SyncDeadlines> = {}) {
  const deadlines = { ...DEFAULT_SYNC_DEADLINES, ...given };
  const deadline = AbortSignal.timeout(deadlines.runMs);
  return {
    redis: createRedis(config, { timeoutMs: deadlines.redisMs, signal: deadline }),
    lockRedis: createRedis(config, { timeoutMs: deadlines.redisMs }),
    db: createDocumentClient(config, { timeoutMs: deadlines.dynamoMs, signal: deadline }),
    deadline,
  };
}

/**
 * One sync run with clients built from the configuration for this run only ({@link
 * syncClients}): what the Worker's `scheduled`, the Node CLI and the Deno cron call.
 *
 * Worker: `ctx.waitUntil(syncOnce(parseConfig(env)))`.
 */
export async function syncOnce(
  config: Config,
  options: RunSyncOptions &
    Partial<Pick<RunSyncDeps, "now" | "log" | "random">> & {
      deadlines?: Partial<SyncDeadlines>;
    } = {},
): Promise<RunReport> {
  const { now, log, random, deadlines, ...runOptions } = options;
  const clients = syncClients(config, deadlines);
  try {
    return await runSync(
      {
        ...clients,
        config,
        now: now ?? Date.now,
        ...(log ? { log } : {}),
        ...(random ? { random } : {}),
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
