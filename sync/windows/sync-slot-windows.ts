import { parseViewerEntry } from "@viewer-presence/shared/audience";
import type { DocumentClient } from "@viewer-presence/shared/clients";
import type { ViewingRecordsItem } from "@viewer-presence/shared/history-items";
import { liveCountCall } from "@viewer-presence/shared/live-count";
import {
  createScriptDigests,
  execPipeline,
  type PipelineStep,
} from "@viewer-presence/shared/pipeline-scripts";
import {
  INDEX_KEY_EXPIRY_SEC,
  type RedisKeys,
  WATCH_KEY_EXPIRY_SEC,
} from "@viewer-presence/shared/redis-keys";
import type { Slot } from "@viewer-presence/shared/windows";
import type { RunReport } from "../run-report";
import { RedisReplyError, type SyncRedis } from "../sync-redis";
import type { ClosedSlotWindow } from "./find-work";
import type { SyncWindowsOptions } from "./sync-windows";
import { snapshotItem } from "./window-items";
import {
  createWindowWriter,
  parseProgress,
  progressFields,
  type WindowProgress,
  type WindowWriter,
} from "./window-progress";
import { writeItems } from "./write-items";

/**
 * Viewers read per window per round (default): 2 bits each, so 256 `GET u32` per bitmap
 * (BITFIELD answers integers; the bitmaps' raw bytes would not survive the REST API's text
 * replies). A window too large for one run resumes at a round's end.
 */
const CHUNK_VIEWERS = 4096;
const FLUSH_ITEMS = 100;

/**
 * Moves closed windows of slot bitmaps to DynamoDB, as syncClosedWindows does for sorted sets:
 * a batch of windows at a time, each read in rounds of CHUNK_VIEWERS indexes (one pipelined
 * request a round: `LRANGE il` for the viewer ids and `BITFIELD GET` for their bits in every
 * bitmap of the window), each viewer summed at once (the union of the slots whose watched bit
 * is set), records packed and written as items fill. Memory holds one round, whatever the size
 * of the stage. A window too large for one run saves where it stands (`wb:`) after each write
 * and the next run resumes from there. Only after DynamoDB confirmed every item of a window is
 * it marked synced (`bsy`); its bitmaps stay while the live count may read them.
 *
 * Widths: `options.countWidthsSec` are the slot widths the live count covers (the snapshot's
 * `viewerCount`).
 */
export async function syncSlotWindows(
  deps: { redis: SyncRedis; db: DocumentClient; keys: RedisKeys },
  windows: readonly ClosedSlotWindow[],
  options: SyncWindowsOptions & { countWidthsSec: readonly number[]; chunkViewers?: number },
  report: RunReport,
): Promise<void> {
  const { redis, db, keys } = deps;
  const flushItems = options.flushItems ?? FLUSH_ITEMS;
  const sha1 = createScriptDigests();
  const progressKey = (w: ClosedSlotWindow) => keys.slotWindowProgress(w.stageId, w.window);
  const liveCounts = new Map<string, number>();
  const stagesBefore = report.stages;
  const syncedStages = new Set<string>();
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
    const resuming = batch.filter((w) => inProgress.has(progressKey(w)));
    const first: PipelineStep[] = [
      ...batch.map(
        (w): PipelineStep =>
          (pipeline) =>
            pipeline.llen(keys.viewerList(w.stageId, w.epoch)),
      ),
      ...resuming.map(
        (w): PipelineStep =>
          (pipeline) =>
            pipeline.hgetall(progressKey(w)),
      ),
      ...uncounted.map((stageId) =>
        liveCountCall(keys, stageId, options.nowMs, options.presenceTtlSec, options.countWidthsSec),
      ),
    ];
    const replies = await execPipeline(redis, first, sha1);
    uncounted.forEach((stageId, i) => {
      liveCounts.set(stageId, Number(replies[batch.length + resuming.length + i]));
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
    const states = batch.map((closed, i) => {
      const at = resuming.indexOf(closed);
      const progress = at < 0 ? undefined : parseProgress(replies[batch.length + at]);
      const sources = [{ redis, bitmaps: closed.bitmaps }, ...(closed.parts ?? [])];
      const lengths = [Number(replies[i]), ...partLengths[i]!];
      return windowState(closed, sources, lengths, progress, options, report, (item) =>
        ready.push(item),
      );
    });

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
      if (ready.length >= flushItems) {
        await flush();
        await saveProgress(redis, keys, states);
      }
    }

    let snapshots = 0;
    for (const { closed, accumulator, packer } of states) {
      const totals = accumulator.finish();
      packer.finish();
      if (totals.uniqueViewers === 0) continue;
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
    const progressed = states.filter((s) => s.saved || inProgress.has(progressKey(s.closed)));
    // The commit point: from here on the windows count as synced (a run that dies before it
    // leaves them to the next run, which writes the same items under the same keys). Their
    // bitmaps are the live count's too: they stay until no count can read them (the presence
    // TTL after the window's end); the first run after that deletes them (one DEL for all), and
    // if no run comes, their own expiry (a week) does.
    // Before that, each window's bits join its hour's (`hw:`), which give the hour's exact
    // distinct viewers once the windows' own bitmaps are gone (OR is idempotent: a window
    // joined twice changes nothing).
    // Each part of a spread stage's window joins its own database's `hw:`.
    const hours = new Map<SyncRedis, ReturnType<SyncRedis["pipeline"]>>();
    for (const { closed, sources } of states) {
      const hourKey = keys.hourBits(closed.stageId, closed.epoch);
      for (const source of sources) {
        if (source.bitmaps.length === 0) continue;
        const pipeline = hours.get(source.redis) ?? source.redis.pipeline();
        hours.set(source.redis, pipeline);
        pipeline.bitop("or", hourKey, hourKey, ...source.bitmaps.map((bitmap) => bitmap.key));
        pipeline.expire(hourKey, INDEX_KEY_EXPIRY_SEC);
      }
    }
    await Promise.all([...hours.values()].map((pipeline) => pipeline.exec()));
    const [synced, ...moreSynced] = batch.map(({ stageId, window }) => `${stageId}:${window}`);
    if (synced !== undefined) await redis.sadd(keys.syncedWindows(), synced, ...moreSynced);
    if (progressed.length > 0)
      await redis.del(...progressed.map(({ closed }) => progressKey(closed)));
    report.windows += snapshots;
    report.snapshots += snapshots;
    if (progressed.length > 0) {
      const [first, ...rest] = progressed.map(({ closed }) => progressKey(closed));
      await redis.srem(keys.windowsInProgress(), first!, ...rest);
    }
    report.stages = stagesBefore + syncedStages.size;
  }
}

/** Where a window is read: its index list and bitmaps in one database. */
interface WindowSource {
  redis: SyncRedis;
  bitmaps: ClosedSlotWindow["bitmaps"];
}

/** Where a window's reading stands: the source, and the index in it. */
interface ReadPosition {
  source: number;
  next: number;
}

/**
 * A window being read: its sources (this run's database, then a spread stage's others, read one
 * after the other), where it stands, its running totals and packer.
 */
type SlotWindowState = WindowWriter<ReadPosition> & {
  closed: ClosedSlotWindow;
  sources: WindowSource[];
  /** Viewers in each source's index list (LLEN when the window was first read). */
  lengths: number[];
  /** The source being read; `sources.length` once all are read. */
  source: number;
  /** First index of the source not read yet. */
  next: number;
  /** The index being added (the first one a new item does not hold). */
  current: number;
};

function windowState(
  closed: ClosedSlotWindow,
  sources: WindowSource[],
  lengths: number[],
  resumed: WindowProgress | undefined,
  options: SyncWindowsOptions,
  report: RunReport,
  emit: (item: ViewingRecordsItem) => void,
): SlotWindowState {
  const writer = createWindowWriter(closed, resumed, options, report, emit, () => ({
    source: state.source,
    next: state.current,
  }));
  const state: SlotWindowState = Object.assign(writer, {
    closed,
    sources,
    lengths,
    source: resumed?.source ?? 0,
    next: resumed?.next ?? 0,
    current: 0,
  });
  nextSource(state);
  return state;
}

/** Moves past every source read to its end (or empty). */
function nextSource(state: SlotWindowState): void {
  while (state.source < state.sources.length && state.next >= state.lengths[state.source]!) {
    state.source++;
    state.next = 0;
  }
}

/** Saves, after a write, where each window with a written item stands (see syncSlotWindows). */
async function saveProgress(
  redis: Pick<SyncRedis, "pipeline">,
  keys: RedisKeys,
  states: SlotWindowState[],
): Promise<void> {
  const saving = states.filter((state) => state.pending !== undefined);
  if (saving.length === 0) return;
  const pipeline = redis.pipeline();
  for (const state of saving) {
    const { closed } = state;
    const key = keys.slotWindowProgress(closed.stageId, closed.window);
    const { at, ...progress } = state.pending!;
    pipeline.hset(key, progressFields({ ...progress, ...at }));
    pipeline.expire(key, WATCH_KEY_EXPIRY_SEC);
    pipeline.sadd(keys.windowsInProgress(), key);
    state.pending = undefined;
    state.saved = true;
  }
  await pipeline.exec();
}
