import type { RedisKeys } from "../../shared/redis-keys";
import { watchField } from "../../shared/redis-keys";
import { slotAt, windowIndex } from "../../shared/windows";
import { COUNT_CACHE_MS, cachedStage, type IsolateState, rememberStage } from "../isolate-state";
import { type EdgeRedis, redisCall } from "../redis-client";
import { type Stage, toStage } from "../stages/stage";
import { HEARTBEAT_ON_CACHE_MISS_SCRIPT } from "./heartbeat-script";

/** A presence key lives a day past its last window's first heartbeat (the sync job prunes it). */
export const PRESENCE_KEY_EXPIRY_SEC = 86_400;
/** An unsynced watch window is kept a week, so a stopped sync job loses nothing for days. */
export const WATCH_KEY_EXPIRY_SEC = 7 * 86_400;

export interface HeartbeatInput {
  stageId: string;
  viewerId: string;
  anonymous: boolean;
  nowMs: number;
  intervalSec: number;
  presenceTtlSec: number;
  /** Also read this key (the budget's interval) when the count is refreshed. */
  intervalKey?: string;
}

export type HeartbeatOutcome =
  /** `intervalJson` is what `intervalKey` held, when it was read. */
  | { kind: "counted"; stage: Stage; viewers: number; intervalJson?: string | null }
  /** The stage exists but refuses this heartbeat (ended, or anonymous viewers not allowed). */
  | { kind: "refused"; stage: Stage }
  | { kind: "unknown-stage"; registryComplete: boolean };

/**
 * Records one heartbeat in ONE request to Upstash. For a stage the isolate knows, that is a
 * pipeline of `ZADD` (presence) and `HSET` (the watch slot), plus `XADD` on stages that keep an
 * audit trail, `ZCOUNT` when the isolate's
 * count is older than a few seconds and `EXPIRE`s once per key per window per isolate. For a
 * stage it does not know, it is one script that checks the stage before writing.
 */
export async function recordHeartbeat(
  deps: { redis: EdgeRedis; keys: RedisKeys; isolate: IsolateState },
  input: HeartbeatInput,
): Promise<HeartbeatOutcome> {
  const { redis, keys, isolate } = deps;
  const { stageId, viewerId, nowMs } = input;
  const window = windowIndex(nowMs);
  const slot = slotAt(nowMs, input.intervalSec);
  const presenceKey = keys.presence(stageId);
  const watchKey = keys.watch(stageId, window);
  const field = watchField(viewerId, slot.offsetSec);
  const countFromMs = nowMs - input.presenceTtlSec * 1000;

  const known = cachedStage(isolate, stageId, nowMs);
  if (known?.stage === null) return { kind: "unknown-stage", registryComplete: true };
  if (known === undefined) {
    const [config, marker, count] = await redisCall(() =>
      redis.eval<string[], [string, number, number]>(
        HEARTBEAT_ON_CACHE_MISS_SCRIPT,
        [keys.stage(stageId), presenceKey, watchKey, keys.marker(), keys.audit(stageId)],
        [
          String(nowMs),
          viewerId,
          field,
          String(slot.widthSec),
          String(countFromMs),
          input.anonymous ? "1" : "0",
          String(PRESENCE_KEY_EXPIRY_SEC),
          String(WATCH_KEY_EXPIRY_SEC),
        ],
      ),
    );
    if (config === "") {
      if (marker === 1) rememberStage(isolate, stageId, undefined, nowMs);
      return { kind: "unknown-stage", registryComplete: marker === 1 };
    }
    const stage = toStage(JSON.parse(config));
    rememberStage(isolate, stageId, stage, nowMs);
    if (count < 0) return { kind: "refused", stage };
    isolate.expirySet.set(presenceKey, true, nowMs);
    isolate.expirySet.set(watchKey, true, nowMs);
    isolate.counts.set(stageId, count, nowMs);
    return { kind: "counted", stage, viewers: count };
  }

  const cached = known.stage;
  if (cached.status !== "live" || (input.anonymous && !cached.allowAnonymous)) {
    return { kind: "refused", stage: cached };
  }
  const pipeline = redis.pipeline();
  pipeline.zadd(presenceKey, { score: nowMs, member: viewerId });
  pipeline.hset(watchKey, { [field]: slot.widthSec });
  // The seed's scheme 2: one more command per heartbeat, only on stages that ask for it.
  if (cached.auditTrail) pipeline.xadd(keys.audit(stageId), "*", { v: viewerId, t: nowMs });
  // An isolate serves many heartbeats at once: what one of them is already fetching or setting,
  // the others do not repeat. So marks are set when the request is built, not when it returns.
  const setExpiries = isolate.expirySet.get(watchKey, nowMs) === undefined;
  if (setExpiries) {
    isolate.expirySet.set(watchKey, true, nowMs);
    pipeline.expire(presenceKey, PRESENCE_KEY_EXPIRY_SEC);
    pipeline.expire(watchKey, WATCH_KEY_EXPIRY_SEC);
    if (cached.auditTrail) pipeline.expire(keys.audit(stageId), WATCH_KEY_EXPIRY_SEC);
  }
  // Reads ride in the same request, after the writes; `reads` names each reply in order.
  const reads: ("stage" | "count" | "interval")[] = [];
  // A stage read more than STAGE_CACHE_MS ago is re-read here (stale while revalidating): one
  // GET instead of the checking script's five extra commands.
  if (!known.fresh) {
    reads.push("stage");
    rememberStage(isolate, stageId, cached, nowMs);
  }
  // A count older than COUNT_CACHE_MS is refreshed by this heartbeat; meanwhile the others
  // answer the old one (touched so it looks fresh) rather than each asking Redis again.
  const count = isolate.counts.getWithAge(stageId, nowMs);
  const cachedCount = count !== undefined && count.ageMs < COUNT_CACHE_MS ? count.value : undefined;
  if (cachedCount === undefined) {
    reads.push("count");
    if (count !== undefined) isolate.counts.set(stageId, count.value, nowMs);
    if (input.intervalKey !== undefined) reads.push("interval");
  }
  for (const read of reads) {
    if (read === "stage") pipeline.get(keys.stage(stageId));
    if (read === "count") pipeline.zcount(presenceKey, countFromMs, "+inf");
    if (read === "interval") pipeline.get(input.intervalKey!);
  }
  let replies: (number | string | null)[];
  try {
    replies = await redisCall(() => pipeline.exec<(number | string | null)[]>());
  } catch (error) {
    if (setExpiries) isolate.expirySet.delete(watchKey);
    throw error;
  }
  const reply = (read: (typeof reads)[number]) =>
    replies[replies.length - reads.length + reads.indexOf(read)] ?? null;

  if (reads.includes("stage")) {
    const config = reply("stage") as string | null;
    // Gone from Redis: forget it rather than remember "no such stage", so the next heartbeat
    // takes the checking script, which tells a deleted stage from a Redis that lost its data.
    if (config === null) isolate.stages.delete(stageId);
    else rememberStage(isolate, stageId, toStage(JSON.parse(config)), nowMs);
  }
  if (cachedCount !== undefined) return { kind: "counted", stage: cached, viewers: cachedCount };
  const viewers = Number(reply("count") ?? 0);
  isolate.counts.set(stageId, viewers, nowMs);
  if (!reads.includes("interval")) return { kind: "counted", stage: cached, viewers };
  return {
    kind: "counted",
    stage: cached,
    viewers,
    intervalJson: reply("interval") as string | null,
  };
}
