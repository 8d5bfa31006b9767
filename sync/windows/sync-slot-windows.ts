import { parseViewerEntry } from "@viewer-presence/shared/audience";
import type { DocumentClient } from "@viewer-presence/shared/clients";
import { liveCountCall } from "@viewer-presence/shared/live-count";
import {
  createScriptDigests,
  execPipeline,
  type PipelineStep,
} from "@viewer-presence/shared/pipeline-scripts";
import type { RedisKeys } from "@viewer-presence/shared/redis-keys";
import type { Slot } from "@viewer-presence/shared/windows";
import type { RunReport } from "../run-report";
import { RedisReplyError, type SyncRedis } from "../sync-redis";
import type { BatchWriteOptions } from "./batch-write";
import type { ClosedSlotWindow } from "./find-work";
import { createProgressWriter, deleteParts } from "./ledger-progress";
import { markWindowsSynced, windowSources } from "./mark-synced";
import { nextSource, type SlotWindowState, windowState } from "./slot-window-state";
import { snapshotItem } from "./window-items";
import { checkLedger, type LedgerOptions } from "./window-ledger";
import { writeItems } from "./write-items";

/**
 * Viewers read per window per round (default): 2 bits each, so 256 `GET u32` per bitmap
 * (BITFIELD answers integers; the bitmaps' raw bytes would not survive the REST API's text
 * replies). A window too large for one run resumes at a round's end.
 */
const CHUNK_VIEWERS = 4096;

/**
 * Items written together once this many are ready: 4 BatchWriteItem calls of 25, the calls a
 * write keeps in flight. Items wait for at most one more round, so memory stays bounded.
 */
const FLUSH_ITEMS = 100;

export interface SlotWindowsOptions {
  nowMs: number;
  tableName: string;
  presenceTtlSec: number;
  snapshotTtlDays: number;
  /** Windows read per pipelined request (default 25). */
  batchWindows: number;
  /** Largest packed viewing-records item, in bytes. */
  maxItemBytes: number;
  /** Items written together once this many are ready (default 100; tests make it small). */
  flushItems?: number;
  write: BatchWriteOptions;
  /** The slot widths the live count covers (the snapshot's `viewerCount`), in s. */
  countWidthsSec: readonly number[];
  /** Viewer indexes read per window per round (default CHUNK_VIEWERS). */
  chunkViewers?: number;
  /** Which database's watermark the ledger keeps (window-ledger.ts). */
  ledger: Omit<LedgerOptions, "nowMs">;
}

/**
 * Moves closed windows of slot bitmaps to DynamoDB, a batch of windows at a time, each read in rounds of CHUNK_VIEWERS indexes (one pipelined
 * request a round: `LRANGE il` for the viewer ids and `BITFIELD GET` for their bits in every
 * bitmap of the window), each viewer summed at once (the union of the slots whose watched bit
 * is set), records packed and written as items fill. Memory holds one round, whatever the size
 * of the stage. Only after DynamoDB confirmed every item of a window is its snapshot written,
 * and then it is marked synced (`bsy`); its bitmaps stay while the live count may read them.
 *
 * DynamoDB is the ledger of what was written (window-ledger.ts), checked first: windows it
 * already holds are only marked synced, whatever Redis lost; a window an earlier run started
 * resumes where its progress item says, and parts an earlier attempt wrote past where this one
 * ends are deleted. A window read over several rounds saves its progress in DynamoDB around
 * each write it is in (ledger-progress.ts), so a run that stops (its deadline, a crash, its
 * Redis gone) leaves the next one to resume there, not to start over.
 */
export async function syncSlotWindows(
  deps: { redis: SyncRedis; db: DocumentClient; keys: RedisKeys },
  windows: readonly ClosedSlotWindow[],
  options: SlotWindowsOptions,
  report: RunReport,
): Promise<void> {
  const { redis, db, keys } = deps;
  const flushItems = options.flushItems ?? FLUSH_ITEMS;
  const sha1 = createScriptDigests();
  const liveCounts = new Map<string, number>();
  const stagesBefore = report.stages;
  const syncedStages = new Set<string>();
  const { toWrite, synced, started } = await checkLedger(
    { db, tableName: options.tableName },
    windows,
    { ...options.ledger, nowMs: options.nowMs },
    report,
  );
  if (synced.length > 0) {
    await markWindowsSynced(
      redis,
      keys,
      synced.map((closed) => ({ closed, sources: windowSources(redis, closed) })),
    );
    report.alreadySynced = (report.alreadySynced ?? 0) + synced.length;
  }
  const progress = createProgressWriter({
    db,
    tableName: options.tableName,
    write: options.write,
    nowMs: options.nowMs,
    report,
  });
  let ready: object[] = [];
  /** Writes the items ready; `final`: the batch's windows are read to their end. */
  const flush = async (states: SlotWindowState[], final: boolean) => {
    const items = ready;
    ready = [];
    await progress.write(states, items, final);
  };

  try {
    for (let start = 0; start < toWrite.length; start += options.batchWindows) {
      const batch = toWrite.slice(start, start + options.batchWindows);
      const uncounted = [...new Set(batch.map((w) => w.stageId))].filter(
        (stageId) => !liveCounts.has(stageId),
      );
      const first: PipelineStep[] = [
        ...batch.map(
          (w): PipelineStep =>
            (pipeline) =>
              pipeline.llen(keys.viewerList(w.stageId, w.epoch)),
        ),
        ...uncounted.map((stageId) =>
          liveCountCall(
            keys,
            stageId,
            options.nowMs,
            options.presenceTtlSec,
            options.countWidthsSec,
          ),
        ),
      ];
      const replies = await execPipeline(redis, first, sha1);
      uncounted.forEach((stageId, i) => {
        liveCounts.set(stageId, Number(replies[batch.length + i]));
      });
      // A stage spread over several databases: each other part's index length, and its share of
      // the live count (viewers are disjoint across parts), one request per part.
      const partLengths = await Promise.all(
        batch.map((w) =>
          Promise.all(
            (w.parts ?? []).map(async (part) => {
              const counting = uncounted.includes(w.stageId);
              const [length, live] = await execPipeline(
                part.redis,
                [
                  (pipeline) => pipeline.llen(keys.viewerList(w.stageId, w.epoch)),
                  ...(counting
                    ? [
                        liveCountCall(
                          keys,
                          w.stageId,
                          options.nowMs,
                          options.presenceTtlSec,
                          options.countWidthsSec,
                        ),
                      ]
                    : []),
                ],
                sha1,
              );
              if (counting) {
                liveCounts.set(w.stageId, (liveCounts.get(w.stageId) ?? 0) + Number(live));
              }
              return Number(length);
            }),
          ),
        ),
      );
      const states = batch.map((closed, i) =>
        windowState(
          closed,
          windowSources(redis, closed),
          [Number(replies[i]), ...partLengths[i]!],
          started.get(`${closed.stageId}:${closed.window}`),
          options,
          report,
          (item) => ready.push(item),
        ),
      );

      for (;;) {
        const reading = states.filter((state) => state.source < state.sources.length);
        if (reading.length === 0) break;
        // One request per database a round: most windows' only source is this run's database.
        const rounds = new Map<SyncRedis, { steps: PipelineStep[]; states: SlotWindowState[] }>();
        for (const state of reading) {
          const { closed, next } = state;
          const source = state.sources[state.source]!;
          const round = rounds.get(source.redis) ?? { steps: [], states: [] };
          rounds.set(source.redis, round);
          round.states.push(state);
          const length = state.lengths[state.source]!;
          const last = Math.min(next + (options.chunkViewers ?? CHUNK_VIEWERS), length) - 1;
          round.steps.push((pipeline) =>
            pipeline.lrange(keys.viewerList(closed.stageId, closed.epoch), next, last),
          );
          for (const { key } of source.bitmaps) {
            round.steps.push((pipeline) => {
              const fields = pipeline.bitfield(key);
              // Bits 2i and 2i+1 of indexes next..last, in whole 32-bit words.
              for (let word = Math.floor(next / 16); word <= Math.floor(last / 16); word++) {
                fields.get("u32", `#${word}`);
              }
              fields.exec();
            });
          }
        }
        const answered = await Promise.all(
          [...rounds].map(async ([client, round]) => ({
            round,
            replies: await execPipeline(client, round.steps, sha1),
          })),
        );
        for (const { round, replies: roundReplies } of answered) {
          let at = 0;
          for (const state of round.states) {
            const bitmaps = state.sources[state.source]!.bitmaps;
            const viewers = roundReplies[at++];
            if (!Array.isArray(viewers)) throw new RedisReplyError("LRANGE", viewers);
            const words = bitmaps.map(() => roundReplies[at++] as number[]);
            const firstWord = Math.floor(state.next / 16);
            viewers.forEach((viewer, offset) => {
              const index = state.next + offset;
              const slots: Slot[] = [];
              bitmaps.forEach((bitmap, b) => {
                const word = Number(words[b]![Math.floor(index / 16) - firstWord] ?? 0);
                // Watched is bit 2i+1, counted from the word's most significant bit.
                const watched = (word >>> (31 - ((2 * index + 1) % 32))) & 1;
                if (watched === 1)
                  slots.push({ offsetSec: bitmap.offsetSec, widthSec: bitmap.widthSec });
              });
              state.current = index;
              if (slots.length > 0) {
                const { viewerId, ...audience } = parseViewerEntry(String(viewer));
                state.accumulator.addViewer(viewerId, slots, audience);
              }
            });
            state.next += viewers.length;
            // A list shorter than LLEN said (expired meanwhile): nothing more to read there.
            if (viewers.length === 0) state.next = state.lengths[state.source]!;
            nextSource(state);
          }
        }
        // Windows still being read carry on after this write; once every window of the batch is
        // read, their items go in the batch's last write (so a window read in one round never
        // needs progress saved).
        if (ready.length >= flushItems && states.some((s) => s.source < s.sources.length)) {
          await flush(states, false);
        }
      }

      const snapshots: object[] = [];
      const parts = states.map(({ closed, accumulator, packer }) => {
        const totals = accumulator.finish();
        const written = packer.finish();
        if (totals.uniqueViewers > 0) {
          snapshots.push(
            snapshotItem({
              stageId: closed.stageId,
              window: closed.window,
              totals,
              viewerCount: liveCounts.get(closed.stageId) ?? 0,
              takenAtMs: options.nowMs,
              ttlDays: options.snapshotTtlDays,
            }),
          );
          syncedStages.add(closed.stageId);
        }
        return written;
      });
      await flush(states, true);
      // Parts an earlier attempt wrote past this one's end (its input had more viewers, or its
      // write failed part way): gone before the snapshot says the window is whole.
      await Promise.all(
        states.map(({ closed, ledger }, i) =>
          ledger.upTo > parts[i]!
            ? deleteParts(db, options.tableName, closed, parts[i]!, ledger.upTo, report)
            : undefined,
        ),
      );
      await writeItems(db, options.tableName, snapshots, options.write, report);
      await markWindowsSynced(redis, keys, states);
      report.windows += snapshots.length;
      report.snapshots += snapshots.length;
      report.stages = stagesBefore + syncedStages.size;
    }
  } finally {
    // A run that stops (Redis gone, its deadline) still lands the progress of its last write.
    await progress.settle().catch(() => undefined);
  }
}
