import type { DocumentClient } from "@viewer-presence/shared/clients";
import type { ViewingRecordsItem } from "@viewer-presence/shared/history-items";
import { type RedisKeys, WATCH_KEY_EXPIRY_SEC } from "@viewer-presence/shared/redis-keys";
import type { RunReport } from "../run-report";
import type { SyncRedis } from "../sync-redis";
import type { BatchWriteOptions } from "./batch-write";
import type { ClosedWindow } from "./find-work";
import { readWindowPages } from "./read-windows";
import { snapshotItem } from "./window-items";
import {
  createWindowWriter,
  parseProgress,
  progressFields,
  type WindowProgress,
  type WindowWriter,
} from "./window-progress";
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
  /** Items written together once this many are ready (default 100; tests make it small). */
  flushItems?: number;
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
  deps: {
    redis: Pick<SyncRedis, "pipeline" | "del" | "smembers" | "srem">;
    db: DocumentClient;
    keys: RedisKeys;
  },
  windows: readonly ClosedWindow[],
  options: SyncWindowsOptions,
  report: RunReport,
): Promise<void> {
  const { redis, db, keys } = deps;
  const flushItems = options.flushItems ?? FLUSH_ITEMS;
  const liveCounts = new Map<string, number>();
  const syncedStages = new Set<string>();
  const countFromMs = options.nowMs - options.presenceTtlSec * 1000;
  // Windows a previous run left half written: only these have progress to read.
  const inProgress =
    windows.length === 0
      ? new Set<string>()
      : new Set((await redis.smembers(keys.windowsInProgress())).map(String));
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
    let states: WindowState[] = [];
    const resuming = batch.filter((closed) => inProgress.has(closed.key));

    const rounds = readWindowPages(
      redis,
      batch.map((w) => w.key),
      options.pageFields,
      (pipeline) => {
        for (const stageId of uncounted) {
          pipeline.zcount(keys.presence(stageId), countFromMs, "+inf");
        }
        for (const closed of resuming) {
          pipeline.hgetall(keys.windowProgress(closed.stageId, closed.window));
        }
      },
      (replies) => {
        uncounted.forEach((stageId, i) => {
          liveCounts.set(stageId, Number(replies[i]));
        });
        states = batch.map((closed) => {
          const at = resuming.indexOf(closed);
          const progress = at < 0 ? undefined : parseProgress(replies[uncounted.length + at]);
          return windowState(closed, progress, options, report, (item) => ready.push(item));
        });
      },
    );
    for await (const round of rounds) {
      for (const page of round) {
        const state = states[page.index]!;
        for (const member of page.members) state.accumulator.add(member);
      }
      if (ready.length >= flushItems) {
        await flush();
        await saveProgress(redis, keys, states);
      }
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
    // The windows go, with the progress of those that had any (saved by this run or an earlier).
    const progressed = states.filter((s) => s.saved || inProgress.has(s.closed.key));
    await redis.del(
      ...batch.map((w) => w.key),
      ...progressed.map(({ closed }) => keys.windowProgress(closed.stageId, closed.window)),
    );
    if (progressed.length > 0) {
      const [first, ...rest] = progressed.map(({ closed }) => closed.key);
      await redis.srem(keys.windowsInProgress(), first!, ...rest);
    }
    report.windows += snapshots;
    report.snapshots += snapshots;
    report.stages = syncedStages.size;
  }
}

/** A window being read: its running totals and packer; `at` is the last viewer written. */
type WindowState = WindowWriter<string> & { closed: ClosedWindow };

function windowState(
  closed: ClosedWindow,
  resumed: WindowProgress | undefined,
  options: SyncWindowsOptions,
  report: RunReport,
  emit: (item: ViewingRecordsItem) => void,
): WindowState {
  const writer = createWindowWriter(
    closed,
    resumed,
    options,
    report,
    emit,
    (item) => item.records.at(-1)![0],
  );
  return Object.assign(writer, { closed });
}

/**
 * After a write: for each window an item of which was just written, removes the members of the
 * viewers it holds (up to and including its last viewer: a viewer's members are side by side,
 * before `<viewer>|~`) and saves the part number and totals to resume from. A run that stops
 * later starts the next one here, not at the window's start, so a window of any size is written
 * in the end, however many runs it takes. Saved after the items, so a run that dies in between
 * writes the same items again under the same keys.
 */
async function saveProgress(
  redis: Pick<SyncRedis, "pipeline">,
  keys: RedisKeys,
  states: WindowState[],
): Promise<void> {
  const saving = states.filter((state) => state.pending !== undefined);
  if (saving.length === 0) return;
  const pipeline = redis.pipeline();
  for (const state of saving) {
    const { closed } = state;
    const { part, totals, at: lastViewer } = state.pending!;
    pipeline.zremrangebylex(closed.key, "-", `[${lastViewer}|~`);
    pipeline.hset(
      keys.windowProgress(closed.stageId, closed.window),
      progressFields({ part, totals }),
    );
    pipeline.expire(keys.windowProgress(closed.stageId, closed.window), WATCH_KEY_EXPIRY_SEC);
    pipeline.sadd(keys.windowsInProgress(), closed.key);
    state.pending = undefined;
    state.saved = true;
  }
  await pipeline.exec();
}
