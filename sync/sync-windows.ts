import type { DocumentClient } from "../shared/clients";
import type { RedisKeys } from "../shared/redis-keys";
import type { BatchWriteOptions } from "./batch-write";
import type { ClosedWindow } from "./find-work";
import { readHashes } from "./read-hashes";
import type { RunReport } from "./run-report";
import type { SyncRedis } from "./sync-redis";
import { packViewingRecords, snapshotItem } from "./window-items";
import { summarizeWindow } from "./window-summary";
import { writeItems } from "./write-items";

export interface SyncWindowsOptions {
  nowMs: number;
  tableName: string;
  presenceTtlSec: number;
  snapshotTtlDays: number;
  /** Windows read per pipelined request and written per batchWrite (default 25). */
  batchWindows: number;
  /** HSCAN COUNT: about this many fields per window per request (default 1000). */
  pageFields: number;
  /** Largest packed viewing-records item, in bytes. */
  maxItemBytes: number;
  write: BatchWriteOptions;
}

/**
 * Moves closed windows from Redis to DynamoDB, in batches: one pipelined request reads every
 * window's hash (HSCAN pages, see read-hashes.ts: one command for an ordinary window, more
 * requests only for very large ones) and, once per stage, the live count (ZCOUNT); one
 * batchWrite stores each window's snapshot and packed viewing records; one DEL then drops the
 * batch's hashes, only after DynamoDB confirmed every item of every window in the batch. If a
 * write fails, the error propagates and the batch's hashes stay for the next run, whose
 * deterministic keys overwrite whatever this run managed to write. Counts go into `report` as
 * they happen, so a failed run still reports what it did.
 */
export async function syncClosedWindows(
  deps: { redis: Pick<SyncRedis, "pipeline" | "del">; db: DocumentClient; keys: RedisKeys },
  windows: readonly ClosedWindow[],
  options: SyncWindowsOptions,
  report: RunReport,
): Promise<void> {
  const { redis, db, keys } = deps;
  const liveCounts = new Map<string, number>();
  const syncedStages = new Set<string>();
  const countFromMs = options.nowMs - options.presenceTtlSec * 1000;

  for (let start = 0; start < windows.length; start += options.batchWindows) {
    const batch = windows.slice(start, start + options.batchWindows);
    const uncounted = [...new Set(batch.map((w) => w.stageId))].filter(
      (stageId) => !liveCounts.has(stageId),
    );
    const { hashes, firstReplies } = await readHashes(
      redis,
      batch.map((w) => w.key),
      options.pageFields,
      (pipeline) => {
        for (const stageId of uncounted) {
          pipeline.zcount(keys.presence(stageId), countFromMs, "+inf");
        }
      },
    );
    uncounted.forEach((stageId, i) => {
      liveCounts.set(stageId, Number(firstReplies[i]));
    });

    const items: object[] = [];
    let snapshots = 0;
    let recordItems = 0;
    let records = 0;
    const stagesInBatch: string[] = [];
    for (const closed of batch) {
      const entries = hashes.get(closed.key) ?? [];
      // Gone since the SCAN (expired, or synced by a run that outlived its lock): nothing to add.
      if (entries.length === 0) continue;
      const summary = summarizeWindow(entries);
      report.malformedFields += summary.malformedFields;
      const packed = packViewingRecords(
        closed.stageId,
        closed.window,
        summary.records,
        options.maxItemBytes,
      );
      items.push(
        snapshotItem({
          stageId: closed.stageId,
          window: closed.window,
          summary,
          viewerCount: liveCounts.get(closed.stageId) ?? 0,
          takenAtMs: options.nowMs,
          ttlDays: options.snapshotTtlDays,
        }),
        ...packed,
      );
      snapshots++;
      recordItems += packed.length;
      records += summary.records.length;
      stagesInBatch.push(closed.stageId);
    }

    await writeItems(db, options.tableName, items, options.write, report);
    await redis.del(...batch.map((w) => w.key));
    report.windows += snapshots;
    report.snapshots += snapshots;
    report.viewingRecordItems += recordItems;
    report.viewingRecords += records;
    for (const stageId of stagesInBatch) syncedStages.add(stageId);
    report.stages = syncedStages.size;
  }
}
