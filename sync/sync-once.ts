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
 * One sync run with clients built from the configuration for this run only: what the Worker's
 * `scheduled`, the Node CLI and the Deno cron call. Every call runs under its own deadline and
 * under the run's.
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
  const { now, log, random, deadlines: given, ...runOptions } = options;
  const deadlines = { ...DEFAULT_SYNC_DEADLINES, ...given };
  const run = AbortSignal.timeout(deadlines.runMs);
  const db = createDocumentClient(config, { timeoutMs: deadlines.dynamoMs, signal: run });
  try {
    return await runSync(
      {
        redis: createRedis(config, { timeoutMs: deadlines.redisMs, signal: run }),
        // Not bound to the run's deadline: a run that ran out of time still releases its lock.
        lockRedis: createRedis(config, { timeoutMs: deadlines.redisMs }),
        db,
        config,
        deadline: run,
        now: now ?? Date.now,
        ...(log ? { log } : {}),
        ...(random ? { random } : {}),
      },
      runOptions,
    );
  } finally {
    db.destroy();
  }
}
