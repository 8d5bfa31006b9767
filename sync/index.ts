/**
 * The sync job's public surface. The Worker's `scheduled` entry calls
 * `ctx.waitUntil(syncOnce(parseConfig(env)))`; tests and other hosts call {@link runSync} with
 * clients of their own.
 */

export { parseSyncMessage, type SyncMessage, type SyncQueue, scheduleSync } from "./fan-out";
export { type RestoreResult, restoreFromSnapshots } from "./registry/restore";
export { formatReport, type RunReport, reportLogLine, SyncRunError } from "./run-report";
export { type RunSyncDeps, type RunSyncOptions, runSync } from "./run-sync";
export { syncOnce } from "./sync-once";
export type { SyncRedis } from "./sync-redis";
export {
  BatchWriteError,
  type BatchWriteOptions,
  type BatchWriteResult,
  batchWrite,
} from "./windows/batch-write";
