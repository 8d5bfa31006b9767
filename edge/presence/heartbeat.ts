import type { RedisKeys } from "../../shared/redis-keys";
import {
  PRESENCE_KEY_EXPIRY_SEC,
  WATCH_KEY_EXPIRY_SEC,
  watchMember,
} from "../../shared/redis-keys";
import { parseEstimate } from "../../shared/restore-estimate";
import { type Stage, toStage } from "../../shared/stage";
import { slotAt, windowIndex } from "../../shared/windows";
import {
  applyRegistryCheck,
  COUNT_CACHE_MS,
  cachedStage,
  type IsolateState,
  type LiveCount,
  registryCheckDue,
  rememberStage,
} from "../isolate-state";
import { type EdgeRedis, redisCall } from "../redis-client";
import { HEARTBEAT_ON_CACHE_MISS_SCRIPT } from "./heartbeat-script";

export interface HeartbeatInput {
  stageId: string;
  viewerId: string;
  anonymous: boolean;
  /** Whether this heartbeat earns watch time (the player is playing); present either way. */
  credited: boolean;
  nowMs: number;
  intervalSec: number;
  presenceTtlSec: number;
  /** Also read this key (the budget's interval) when the count is refreshed. */
  intervalKey?: string;
}

export type HeartbeatOutcome =
  /** `intervalJson` is what `intervalKey` held, when it was read. */
  | {
      kind: "counted";
      stage: Stage;
      count: LiveCount;
      intervalJson?: string | null;
      /** The registry check found Redis had lost its data: rebuild the registry. */
      registryLost: boolean;
    }
  /** The stage exists but refuses this heartbeat (ended, or anonymous viewers not allowed). */
  | { kind: "refused"; stage: Stage; registryLost: boolean }
  | { kind: "unknown-stage"; registryComplete: boolean };

type Deps = { redis: EdgeRedis; keys: RedisKeys; isolate: IsolateState };

const refuses = (stage: Stage, anonymous: boolean) =>
  stage.status !== "live" || (anonymous && !stage.allowAnonymous);

/**
 * Records one heartbeat in ONE request to Upstash. For a stage the isolate can vouch for, that
 * is a pipeline of `ZADD` (presence) and `ZADD` (the watch slot), plus reads that ride along
 * now and then (see {@link recordWithPipeline}). Otherwise it is one script that checks the
 * stage before writing, run once per stage per isolate at a time: concurrent heartbeats of that
 * stage wait for it rather than each running it.
 */
export async function recordHeartbeat(
  deps: Deps,
  input: HeartbeatInput,
): Promise<HeartbeatOutcome> {
  const { isolate } = deps;
  const { stageId, nowMs } = input;
  const loading = isolate.stageLoads.get(stageId);
  if (loading !== undefined) await loading.catch(() => undefined);

  const known = cachedStage(isolate, stageId, nowMs);
  const trusted = known?.current === true && !known.checkDue;
  if (known?.stage === null && trusted) return { kind: "unknown-stage", registryComplete: true };
  // The script re-reads the stage before writing: for a stage not cached, changed since it was
  // cached (another isolate ended or reopened it), or refusing while the registry check is due
  // (so a stage reopened elsewhere is accepted within REGISTRY_CHECK_MS).
  if (
    known?.stage == null ||
    !known.current ||
    (refuses(known.stage, input.anonymous) && known.checkDue)
  ) {
    const load = recordWithScript(deps, input);
    isolate.stageLoads.set(stageId, load);
    try {
      return await load;
    } finally {
      if (isolate.stageLoads.get(stageId) === load) isolate.stageLoads.delete(stageId);
    }
  }
  if (refuses(known.stage, input.anonymous)) {
    return { kind: "refused", stage: known.stage, registryLost: false };
  }
  return recordWithPipeline(deps, input, known.stage);
}

function commonParts(keys: RedisKeys, input: HeartbeatInput) {
  const slot = slotAt(input.nowMs, input.intervalSec);
  return {
    slot,
    presenceKey: keys.presence(input.stageId),
    watchKey: keys.watch(input.stageId, windowIndex(input.nowMs)),
    member: watchMember(input.viewerId, slot),
    countFromMs: input.nowMs - input.presenceTtlSec * 1000,
  };
}

async function recordWithScript(deps: Deps, input: HeartbeatInput): Promise<HeartbeatOutcome> {
  const { redis, keys, isolate } = deps;
  const { stageId, nowMs } = input;
  const { presenceKey, watchKey, member, countFromMs } = commonParts(keys, input);
  // EVALSHA, falling back to EVAL (the whole script, about 1.3 KB) only when Redis has not seen
  // it yet: once per database, not once per call.
  const script = redis.createScript<(string | number | null)[]>(HEARTBEAT_ON_CACHE_MISS_SCRIPT);
  const reply = await redisCall(() =>
    script.exec(
      [
        keys.stage(stageId),
        presenceKey,
        watchKey,
        keys.marker(),
        keys.registryVersion(),
        keys.restoredAt(),
        keys.estimate(stageId),
        keys.audit(stageId),
      ],
      [
        String(nowMs),
        input.viewerId,
        input.credited ? member : "",
        String(countFromMs),
        input.anonymous ? "1" : "0",
        String(PRESENCE_KEY_EXPIRY_SEC),
        String(WATCH_KEY_EXPIRY_SEC),
      ],
    ),
  );
  const [stageJson, marker, version, restoredAt, estimateJson, count] = reply;
  const registryLost = applyRegistryCheck(isolate, [marker, version, restoredAt], nowMs) === "lost";
  if (stageJson === null || stageJson === undefined) {
    if (!registryLost) rememberStage(isolate, stageId, undefined, nowMs);
    return { kind: "unknown-stage", registryComplete: !registryLost };
  }
  const stage = toStage(JSON.parse(String(stageJson)));
  rememberStage(isolate, stageId, stage, nowMs);
  if (Number(count) < 0) return { kind: "refused", stage, registryLost };
  isolate.expirySet.set(watchKey, true, nowMs);
  const live: LiveCount = { live: Number(count), estimate: parseEstimate(estimateJson as string) };
  isolate.counts.set(stageId, live, nowMs);
  return { kind: "counted", stage, count: live, registryLost };
}

/**
 * The usual heartbeat: `ZADD` (presence) and `ZADD` (the watch slot), plus `XADD` on stages that keep an audit trail, and,
 * only when due, reads riding in the same request after the writes: `EXPIRE`s once per key per
 * window per isolate; the registry check (`MGET m v rs`: a changed stage is re-read by the
 * script on its next heartbeat) once per isolate every REGISTRY_CHECK_MS; the live count (`ZCOUNT`, with the
 * restore estimate shortly after a data loss, and the budget's interval) once per stage per
 * isolate every COUNT_CACHE_MS. What one heartbeat is already fetching or setting, concurrent
 * ones do not repeat: the marks are set when the request is built, not when it returns.
 */
async function recordWithPipeline(
  deps: Deps,
  input: HeartbeatInput,
  cached: Stage,
): Promise<HeartbeatOutcome> {
  const { redis, keys, isolate } = deps;
  const { stageId, viewerId, nowMs } = input;
  const { presenceKey, watchKey, member, countFromMs } = commonParts(keys, input);
  const pipeline = redis.pipeline();
  pipeline.zadd(presenceKey, { score: nowMs, member: viewerId });
  // A paused or buffering player is present, but earns no watch time: no slot is marked.
  if (input.credited) pipeline.zadd(watchKey, { score: 0, member });
  // The seed's scheme 2: one more command per heartbeat, only on stages that ask for it.
  if (cached.auditTrail) pipeline.xadd(keys.audit(stageId), "*", { v: viewerId, t: nowMs });
  let length = 1 + (input.credited ? 1 : 0) + (cached.auditTrail ? 1 : 0);
  /** Reply index of each read, by name. */
  const reads = new Map<"registry" | "count" | "estimate" | "interval", number>();
  const read = (name: Parameters<typeof reads.set>[0], add: () => void) => {
    add();
    reads.set(name, length++);
  };

  const setExpiries = isolate.expirySet.get(watchKey, nowMs) === undefined;
  if (setExpiries) {
    isolate.expirySet.set(watchKey, true, nowMs);
    pipeline.expire(presenceKey, PRESENCE_KEY_EXPIRY_SEC);
    pipeline.expire(watchKey, WATCH_KEY_EXPIRY_SEC);
    length += 2;
    if (cached.auditTrail) {
      pipeline.expire(keys.audit(stageId), WATCH_KEY_EXPIRY_SEC);
      length++;
    }
  }
  const checkRegistry = registryCheckDue(isolate, nowMs) && !isolate.registry.inFlight;
  if (checkRegistry) {
    isolate.registry.inFlight = true;
    read("registry", () => pipeline.mget(keys.marker(), keys.registryVersion(), keys.restoredAt()));
  }
  const count = isolate.counts.getWithAge(stageId, nowMs);
  const refreshCount =
    count === undefined || (count.ageMs >= COUNT_CACHE_MS && !isolate.countsInFlight.has(stageId));
  if (refreshCount) {
    isolate.countsInFlight.add(stageId);
    read("count", () => pipeline.zcount(presenceKey, countFromMs, "+inf"));
    // Shortly after a restore, the estimate rides along, unless this isolate already found the
    // stage has none (no recent snapshot: a new deployment, or an audience long gone).
    const restoredAtMs = isolate.registry.restoredAtMs;
    const recentlyRestored =
      restoredAtMs !== undefined && nowMs < restoredAtMs + input.presenceTtlSec * 1000;
    if (recentlyRestored && isolate.estimates.get(stageId, nowMs) !== null) {
      read("estimate", () => pipeline.get(keys.estimate(stageId)));
    }
    if (input.intervalKey !== undefined) read("interval", () => pipeline.get(input.intervalKey!));
  }

  let replies: unknown[];
  try {
    replies = await redisCall(() => pipeline.exec<unknown[]>());
  } catch (error) {
    if (setExpiries) isolate.expirySet.delete(watchKey);
    if (checkRegistry) isolate.registry.inFlight = false;
    if (refreshCount) isolate.countsInFlight.delete(stageId);
    throw error;
  }
  const reply = (name: Parameters<typeof reads.get>[0]) => {
    const at = reads.get(name);
    return at === undefined ? undefined : (replies[at] ?? null);
  };

  let registryLost = false;
  if (checkRegistry) {
    const check = reply("registry") as unknown[];
    registryLost = applyRegistryCheck(isolate, check, nowMs) === "lost";
  }
  if (!refreshCount) {
    return { kind: "counted", stage: cached, count: count!.value, registryLost };
  }
  isolate.countsInFlight.delete(stageId);
  const live: LiveCount = {
    live: Number(reply("count") ?? 0),
    estimate: parseEstimate(reply("estimate") as string | null | undefined),
  };
  if (!registryLost) isolate.counts.set(stageId, live, nowMs);
  const outcome = { kind: "counted" as const, stage: cached, count: live, registryLost };
  if (!reads.has("interval")) return outcome;
  return { ...outcome, intervalJson: reply("interval") as string | null };
}
