import type { DocumentClient } from "../shared/clients";
import type { ViewingRecordsItem } from "../shared/history-items";
import type { RedisKeys } from "../shared/redis-keys";
import type { BatchWriteOptions } from "./batch-write";
import type { ClosedWindow } from "./find-work";
import { readWindowPages } from "./read-windows";
import type { RunReport } from "./run-report";
import type { SyncRedis } from "./sync-redis";
import { createWindowAccumulator } from "./window-accumulator";
import { createRecordPacker, snapshotItem } from "./window-items";
import { writeItems } from "./write-items";

export interface SyncWindowsOptions {
  nowMs: number;
  tableName: string;
  presenceTtlSec: number;
  snapshotTtlDays: number;
  /** Windows read per pipelined request (default 25). */
  batchWindows: number;
  /** Members per window per request (ZRANGE LIMIT; default 1000). */
  pageFields: number;
  /** Largest packed viewing-records item, in bytes. */
  maxItemBytes: number;
  write: BatchWriteOptions;
}

/**
 * Items written together once this many are ready: 4 BatchWriteItem calls of 25, the calls a
 * write keeps in flight. Items wait for at most one more page, so memory stays bounded.
 */
const FLUSH_ITEMS = 100;

/**
 * Moves closed windows from Redis to DynamoDB, a batch of windows at a time, streaming: each
 * round one pipelined request reads the next page of every window of the batch (one command
 * for an ordinary window, see read-windows.ts) and, in the first round, each stage's live count
 * (ZCOUNT); every viewer is summed as soon as their members have been read, packed into
 * viewing-records items, and the items are written as they fill. A window's snapshot (its
 * totals) goes last, and one DEL drops the batch's windows only after DynamoDB confirmed every
 * item of every window in the batch. If a write fails, the error propagates and the windows
 * stay for the next run, whose deterministic keys overwrite whatever this run managed to write.
 * Memory holds one round of members and at most about FLUSH_ITEMS items, whatever the size of
 * a stage. Counts go into `report` as they happen, so a failed run still reports what it did.
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
  let ready: object[] = [];
  const flush = async () => {
    const items = ready;
    ready = [];
    await writeItems(db, options.tableName, items, options.write, report);
  };

  for (let start = 0; start < windows.length; start += options.batchWindows) {
    const batch = windows.slice(start, start + options.batchWindows);
    const uncounted = [...new Set(batch.map((w) => w.stageId))].filter(
      (stageId) => !liveCounts.has(stageId),
    );
    const states = batch.map((closed) => {
      const packer = createRecordPacker(
        closed.stageId,
        closed.window,
        options.maxItemBytes,
        (item: ViewingRecordsItem) => {
          ready.push(item);
          report.viewingRecordItems++;
        },
      );
      return {
        closed,
        packer,
        accumulator: createWindowAccumulator((record) => {
          packer.add(record);
          report.viewingRecords++;
        }),
      };
    });

    const rounds = readWindowPages(
      redis,
      batch.map((w) => w.key),
      options.pageFields,
      (pipeline) => {
        for (const stageId of uncounted) {
          pipeline.zcount(keys.presence(stageId), countFromMs, "+inf");
        }
      },
      (replies) => {
        uncounted.forEach((stageId, i) => {
          liveCounts.set(stageId, Number(replies[i]));
        });
      },
    );
    for await (const round of rounds) {
      for (const page of round) {
        const state = states[page.index]!;
        for (const member of page.members) state.accumulator.add(member);
      }
      if (ready.length >= FLUSH_ITEMS) await flush();
    }

    let snapshots = 0;
    for (const { closed, accumulator, packer } of states) {
      const totals = accumulator.finish();
      packer.finish();
      report.malformedFields += totals.malformedFields;
      // Gone since the SCAN (expired, or synced by a run that outlived its lock): nothing to add.
      if (totals.uniqueViewers === 0 && totals.malformedFields === 0) continue;
      ready.push(
        snapshotItem({
          stageId: closed.stageId,
          window: closed.window,
          totals,
          viewerCount: liveCounts.get(closed.stageId) ?? 0,
          takenAtMs: options.nowMs,
          ttlDays: options.snapshotTtlDays,
        }),
      );
      snapshots++;
      syncedStages.add(closed.stageId);
    }
    await flush();
    await redis.del(...batch.map((w) => w.key));
    report.windows += snapshots;
    report.snapshots += snapshots;
    report.stages = syncedStages.size;
  }
}
