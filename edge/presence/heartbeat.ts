import type { RedisKeys } from "../../shared/redis-keys";
import { watchField } from "../../shared/redis-keys";
import { slotAt, windowIndex } from "../../shared/windows";
import type { IsolateState } from "../isolate-state";
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

  const cached = isolate.stages.get(stageId, nowMs);
  if (cached === null) return { kind: "unknown-stage", registryComplete: true };
  if (cached === undefined) {
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
      if (marker === 1) isolate.stages.set(stageId, null, nowMs);
      return { kind: "unknown-stage", registryComplete: marker === 1 };
    }
    const stage = toStage(JSON.parse(config));
    isolate.stages.set(stageId, stage, nowMs);
    if (count < 0) return { kind: "refused", stage };
    isolate.expirySet.set(presenceKey, true, nowMs);
    isolate.expirySet.set(watchKey, true, nowMs);
    isolate.counts.set(stageId, count, nowMs);
    return { kind: "counted", stage, viewers: count };
  }

  if (cached.status !== "live" || (input.anonymous && !cached.allowAnonymous)) {
    return { kind: "refused", stage: cached };
  }
  const pipeline = redis.pipeline();
  pipeline.zadd(presenceKey, { score: nowMs, member: viewerId });
  pipeline.hset(watchKey, { [field]: slot.widthSec });
  // The seed's scheme 2: one more command per heartbeat, only on stages that ask for it.
  if (cached.auditTrail) pipeline.xadd(keys.audit(stageId), "*", { v: viewerId, t: nowMs });
  if (isolate.expirySet.get(watchKey, nowMs) === undefined) {
    pipeline.expire(presenceKey, PRESENCE_KEY_EXPIRY_SEC);
    pipeline.expire(watchKey, WATCH_KEY_EXPIRY_SEC);
    if (cached.auditTrail) pipeline.expire(keys.audit(stageId), WATCH_KEY_EXPIRY_SEC);
  }
  const cachedCount = isolate.counts.get(stageId, nowMs);
  if (cachedCount !== undefined) {
    await redisCall(() => pipeline.exec());
    isolate.expirySet.set(watchKey, true, nowMs);
    return { kind: "counted", stage: cached, viewers: cachedCount };
  }
  pipeline.zcount(presenceKey, countFromMs, "+inf");
  if (input.intervalKey !== undefined) pipeline.get(input.intervalKey);
  const replies = await redisCall(() => pipeline.exec<(number | string | null)[]>());
  isolate.expirySet.set(watchKey, true, nowMs);
  const readInterval = input.intervalKey !== undefined;
  const viewers = Number(replies.at(readInterval ? -2 : -1) ?? 0);
  isolate.counts.set(stageId, viewers, nowMs);
  if (!readInterval) return { kind: "counted", stage: cached, viewers };
  return {
    kind: "counted",
    stage: cached,
    viewers,
    intervalJson: (replies.at(-1) as string | null) ?? null,
  };
}
