import { decodeLiveCount, liveCountCall } from "@viewer-presence/shared/live-count";
import type { RedisKeys } from "@viewer-presence/shared/redis-keys";
import { epochAt, epochOfWindow } from "@viewer-presence/shared/slot-bitmaps";
import type { Stage } from "@viewer-presence/shared/stage";
import { slotAt, WINDOW_MS, windowIndex, windowStartMs } from "@viewer-presence/shared/windows";
import type { StageViewers } from "../isolate/count-memory";
import { applyRegistryCheck, type IsolateState } from "../isolate/isolate-state";
import { type EdgeRedis, pipelineCall } from "../redis-client";
import type { StageRegistry } from "../stages/stage-registry";
import { decodeFlushReply, flushScriptCall, type WindowSlot } from "./flush-script";
import { countToAnswer, type EstimateDeps } from "./restore-estimates";
import type { ShardViewer } from "./socket-viewers";

/**
 * How long after a window's end a late write may still go into one of its slots: the sync job
 * treats a window as closed 10 s after its end (sync/run-sync.ts `closeGraceMs`); half of it
 * leaves the write's own request time to spare. A slot later than this is counted as lost.
 */
export const LATE_WRITE_GRACE_MS = 5_000;

/** One Redis database as the shard reaches it: its client, its memory, its registry. */
export interface FlushStore {
  redis: EdgeRedis;
  isolate: IsolateState;
  registry: Pick<StageRegistry, "restore">;
}

export interface FlushDeps extends Omit<EstimateDeps, "redis" | "isolate"> {
  keys: RedisKeys;
  /** The database the shard writes to. */
  own: FlushStore;
  /** The other parts of a spread stage, whose counts are added (none for most stages). */
  otherParts: (stage: Stage) => FlushStore[];
}

/** What one flush is asked to write. */
export interface FlushPlan {
  stageId: string;
  nowMs: number;
  accepts: string;
  /** The generation the viewers' indexes belong to; undefined sends every viewer as new. */
  generation: string | undefined;
  viewers: ReadonlyMap<string, ShardViewer>;
  /** Viewers who left since the last flush (none of them still in `viewers`). */
  leaving: readonly string[];
  /** A slot whose write failed, to write late when its window is still open. */
  late: WindowSlot | undefined;
  intervalSec: number;
  presenceTtlSec: number;
  widthsSec: readonly number[];
}

export type FlushOutcome =
  | {
      kind: "written";
      stage: Stage;
      count: StageViewers;
      /** Indexes handed out (or found) for viewers that had none, by viewer id. */
      fresh: Map<string, number>;
      /** The slots written: the current one, and the late one if it still could be. */
      slots: WindowSlot[];
      generation: string;
    }
  /** The stage is gone (no copy, with the registry complete). */
  | { kind: "no-stage" }
  /** The copy's `accepts` differs from the plan's: nothing written; `stage` says what now. */
  | { kind: "changed"; stage: Stage }
  /** The indexes sent belong to an older generation: nothing written; send all as new. */
  | { kind: "stale" }
  /** Redis lost its data: the registry was rebuilt (or is being); nothing written. */
  | { kind: "lost" };

/** The slot a flush at `nowMs` writes (the heartbeat interval's slot, as heartbeats mark). */
export function currentSlot(nowMs: number, intervalSec: number): WindowSlot {
  return { window: windowIndex(nowMs), ...slotAt(nowMs, intervalSec) };
}

/** When the slot after the one `nowMs` falls in starts (epoch ms). */
export function nextSlotStartMs(nowMs: number, intervalSec: number): number {
  const slot = currentSlot(nowMs, intervalSec);
  return windowStartMs(slot.window) + (slot.offsetSec + slot.widthSec) * 1000;
}

/** Whether a slot may still be written late at `nowMs` (its window not closed, same epoch). */
export function lateWritable(slot: WindowSlot, nowMs: number): boolean {
  const windowEndMs = windowStartMs(slot.window) + WINDOW_MS;
  return nowMs < windowEndMs + LATE_WRITE_GRACE_MS && epochOfWindow(slot.window) === epochAt(nowMs);
}

/** A slot's identity, to compare two. */
export function slotId(slot: WindowSlot): string {
  return `${slot.window}:${slot.offsetSec}:${slot.widthSec}`;
}

/**
 * One flush of a presence shard, in ONE request to its database: FLUSH_SCRIPT (the stage and
 * registry check, indexes for new viewers, the bits of every viewer, the leaves' cleared bits),
 * then the stage's live count (COUNT_SCRIPT). A spread stage's other parts are counted in one
 * request each, at the same time. Throws StoreUnavailableError on a fault: nothing is lost, the
 * caller keeps its viewers and leaves and flushes again.
 */
export async function flushShard(deps: FlushDeps, plan: FlushPlan): Promise<FlushOutcome> {
  const { keys, own } = deps;
  const { stageId, nowMs } = plan;
  const epoch = epochAt(nowMs);
  const current = currentSlot(nowMs, plan.intervalSec);
  const slots = [current];
  if (plan.late && slotId(plan.late) !== slotId(current) && lateWritable(plan.late, nowMs)) {
    slots.push(plan.late);
  }
  const viewers = [...plan.viewers.values()];
  const fresh = viewers.filter(
    (viewer) => viewer.index === undefined || plan.generation === undefined,
  );
  const known = plan.generation === undefined ? [] : viewers.filter((v) => v.index !== undefined);
  const call = flushScriptCall(keys, {
    stageId,
    nowMs,
    epoch,
    accepts: plan.accepts,
    generation: plan.generation,
    slots: viewers.length === 0 ? [] : slots,
    playing: known.filter((v) => v.playing).map((v) => v.index!),
    paused: known.filter((v) => !v.playing).map((v) => v.index!),
    fresh: fresh.map(({ viewerId, audienceTag, playing }) => ({ viewerId, audienceTag, playing })),
    leaving: [...plan.leaving],
    presenceTtlSec: plan.presenceTtlSec,
    widthsSec: plan.widthsSec,
  });
  const count = liveCountCall(keys, stageId, nowMs, plan.presenceTtlSec, plan.widthsSec);
  const [scriptReply, liveReply] = await pipelineCall(own, [call, count]);
  const reply = decodeFlushReply(scriptReply);
  if (applyRegistryCheck(own.isolate, reply.registry, nowMs) === "lost") {
    await own.registry.restore();
    return { kind: "lost" };
  }
  const { result, stage } = reply;
  if (stage === undefined) return { kind: "no-stage" };
  if (result.kind === "changed") return { kind: "changed", stage };
  if (result.kind !== "written") return { kind: "stale" };
  const others = await Promise.all(
    deps.otherParts(stage).map((part) => partCount(deps, part, plan)),
  );
  const live = decodeLiveCount(liveReply) + others.reduce((sum, n) => sum + n, 0);
  const answer = await countToAnswer(
    { ...deps, redis: own.redis, isolate: own.isolate },
    stageId,
    { live, estimate: reply.estimate, asOfMs: nowMs },
    nowMs,
    plan.presenceTtlSec,
  );
  return {
    kind: "written",
    stage,
    count: answer,
    fresh: new Map(fresh.map((viewer, i) => [viewer.viewerId, result.freshIndexes[i]!])),
    slots: viewers.length === 0 ? [] : slots,
    generation: reply.registry.generation,
  };
}

/** The live count of another part of a spread stage (one request to its database). */
async function partCount(deps: FlushDeps, part: FlushStore, plan: FlushPlan): Promise<number> {
  const call = liveCountCall(
    deps.keys,
    plan.stageId,
    plan.nowMs,
    plan.presenceTtlSec,
    plan.widthsSec,
  );
  const [live] = await pipelineCall(part, [call]);
  return decodeLiveCount(live);
}
