import { createDocumentClient, createRedis } from "../shared/clients";
import type { Config } from "../shared/config";
import type { RunReport } from "./run-report";
import { type RunSyncDeps, type RunSyncOptions, runSync } from "./run-sync";

/**
 * One sync run with clients built from the configuration for this run only: what the Worker's
 * `scheduled`, the Node CLI and the Deno cron call.
 *
 * Worker: `ctx.waitUntil(syncOnce(parseConfig(env)))`.
 */
export async function syncOnce(
  config: Config,
  options: RunSyncOptions & Partial<Pick<RunSyncDeps, "now" | "log" | "random">> = {},
): Promise<RunReport> {
  const { now, log, random, ...runOptions } = options;
  const db = createDocumentClient(config);
  try {
    return await runSync(
      {
        redis: createRedis(config),
        db,
        config,
        now: now ?? Date.now,
        ...(log ? { log } : {}),
        ...(random ? { random } : {}),
      },
      runOptions,
    );
  } finally {
    // Its keep-alive sockets would otherwise hold a Node process open after the run.
    (db as { destroy?: () => void }).destroy?.();
  }
}
