import {
  type HeartbeatAcceptance,
  heartbeatAcceptance,
} from "@viewer-presence/shared/heartbeat-acceptance";
import { decodeLiveCount, liveCountCall } from "@viewer-presence/shared/live-count";
import { execPipeline, type PipelineStep } from "@viewer-presence/shared/pipeline-scripts";
import type { RedisKeys } from "@viewer-presence/shared/redis-keys";
import { WATCH_KEY_EXPIRY_SEC } from "@viewer-presence/shared/redis-keys";
import { epochAt, PRESENT_AND_WATCHED } from "@viewer-presence/shared/slot-bitmaps";
import type { Stage } from "@viewer-presence/shared/stage";
import { slotAt, windowIndex } from "@viewer-presence/shared/windows";
import {
  applyRegistryCheck,
  COUNT_CACHE_MS,
  cachedStage,
  type IsolateState,
  type LiveCount,
  REGISTRY,
  registryCheckDue,
  rememberStage,
  viewerIndexKey,
} from "../isolate-state";
import { type EdgeRedis, redisCall } from "../redis-client";
import { decodeHeartbeatReply, heartbeatScriptCall } from "./heartbeat-script";
import { decodeRegistryCheck, registryCheckKeys } from "./registry-check";
import { learnIndexCount, ticketIndexVouched } from "./ticket-index";

export interface HeartbeatInput {
  stageId: string;
  viewerId: string;
  anonymous: boolean;
  /** Whether this heartbeat earns watch time (the player is playing); present either way. */
  credited: boolean;
  /** The viewer's index this epoch, from a valid ticket or this isolate's memory, if known. */
  index?: number;
  /** The generation of the ticket `index` came from (ticket-index.ts), if it came from one. */
  ticketGeneration?: string;
  /** Where and on what the viewer watches (shared/audience.ts `audienceTag`), when needed. */
  audienceTag: () => string;
  /** The stage's `databases` as this isolate knows it (1 when it knows no better). */
  databases: number;
  nowMs: number;
  intervalSec: number;
  presenceTtlSec: number;
  /** Slot widths the live count covers: the interval in force and the configured one. */
  countWidthsSec: readonly number[];
  /** Also read this key (the budget's interval) when the count is refreshed. */
  intervalKey?: string;
}

export type HeartbeatOutcome =
  /** `intervalJson` is what `intervalKey` held, when it was read. */
  | {
      kind: "counted";
      stage: Stage;
      count: LiveCount;
      /** The viewer's index this epoch (what the ticket answered carries). */
      index: number;
      intervalJson?: string | null;
      /** The registry check found Redis had lost its data: rebuild the registry. */
      registryLost: boolean;
    }
  /** The stage exists but refuses this heartbeat: `reason`, by shared/heartbeat-acceptance.ts. */
  | { kind: "refused"; stage: Stage; reason: HeartbeatAcceptance; registryLost: boolean }
  /** The stage spreads its viewers over another number of databases than assumed: nothing
   *  was written; send the heartbeat to the viewer's database of `stage`. */
  | { kind: "elsewhere"; stage: Stage; registryLost: boolean }
  /** The ticket names an index the stage has not handed out this hour: nothing was written. */
  | { kind: "unknown-index"; stage: Stage; registryLost: boolean }
  | { kind: "unknown-stage"; registryComplete: boolean };

/** The database a heartbeat is recorded in: its client, keys, and what the isolate knows of it. */
export type RecordDeps = { redis: EdgeRedis; keys: RedisKeys; isolate: IsolateState };

/**
 * Records one heartbeat in ONE request to Upstash. For a stage the isolate can vouch for and a
 * viewer whose index it knows (a ticket), that is one `BITFIELD` on the slot's bitmap, plus
 * reads that ride along now and then (see {@link record}). Otherwise the request carries
 * HEARTBEAT_SCRIPT, which checks the stage and finds or hands out the viewer's index; the stage
 * check runs once per stage per isolate at a time: concurrent heartbeats of that stage wait for
 * it (on their own timers, at most STORE_CALL_WAIT_MS) and use what it cached, rather than
 * each running it.
 */
export async function recordHeartbeat(
  deps: RecordDeps,
  input: HeartbeatInput,
): Promise<HeartbeatOutcome> {
  const { isolate } = deps;
  const { stageId, nowMs } = input;
  // Never on the other heartbeat's promise: workerd forbids it (edge/in-flight.ts).
  await isolate.stageChecks.waitFor(stageId, nowMs);

  const known = cachedStage(isolate, stageId, nowMs);
  const acceptance = known?.stage ? heartbeatAcceptance(known.stage, input.anonymous) : undefined;
  const trusted = known?.current === true && !known.checkDue;
  if (known?.stage === null && trusted) return { kind: "unknown-stage", registryComplete: true };
  // The script re-reads the stage before writing: for a stage not cached, changed since it was
  // cached (another isolate ended or reopened it), or refusing while the registry check is due
  // (so a stage reopened elsewhere is accepted within REGISTRY_CHECK_MS).
  if (known?.stage == null || !known.current || (acceptance !== "accepted" && known.checkDue)) {
    // Marked even over a check waited for in vain (its request was cancelled, or is stuck):
    // heartbeats arriving from now on wait for this one.
    isolate.stageChecks.take(stageId, nowMs);
    try {
      return await record(deps, input, undefined);
    } finally {
      isolate.stageChecks.end(stageId);
    }
  }
  if (acceptance !== "accepted") {
    return { kind: "refused", stage: known.stage, reason: acceptance!, registryLost: false };
  }
  return record(deps, input, known.stage);
}

/**
 * Builds and sends the heartbeat's one request. The write is a `BITFIELD` (present and watched
 * bits, or only present while paused) when the stage is vouched for (`cached`) and the index is
 * known, else HEARTBEAT_SCRIPT. `XADD` follows on stages that keep an audit trail. Reads ride
 * after the writes only when due: `EXPIRE`s once per key per isolate; the registry check
 * (`MGET m v rs g`) once per isolate every REGISTRY_CHECK_MS and with every count refresh (the
 * script reads it itself when it checks the stage); the live count (COUNT_SCRIPT, with the
 * restore estimate shortly after a data loss, and the budget's interval) once per stage per
 * isolate every COUNT_CACHE_MS. What one heartbeat is already fetching or setting, concurrent
 * ones do not repeat: the marks are set when the request is built, not when it returns.
 */
async function record(
  deps: RecordDeps,
  input: HeartbeatInput,
  cached: Stage | undefined,
): Promise<HeartbeatOutcome> {
  const { redis, keys, isolate } = deps;
  const { stageId, viewerId, nowMs } = input;
  const window = windowIndex(nowMs);
  const epoch = epochAt(nowMs);
  const slotKey = keys.slotBitmap(stageId, window, slotAt(nowMs, input.intervalSec));
  const checkStage = cached === undefined;
  const checkIndex =
    input.ticketGeneration !== undefined &&
    !ticketIndexVouched(isolate, stageId, epoch, input.index!, nowMs);
  const scripted = checkStage || input.index === undefined || checkIndex;
  const steps: PipelineStep[] = [];
  const reads = new Map<"write" | "registry" | "count" | "interval", number>();
  const step = (name: Parameters<typeof reads.set>[0] | undefined, add: PipelineStep) => {
    if (name !== undefined) reads.set(name, steps.length);
    steps.push(add);
  };

  const setExpiry = isolate.expirySet.get(slotKey, nowMs) === undefined;
  if (setExpiry) isolate.expirySet.set(slotKey, true, nowMs);
  if (scripted) {
    step(
      "write",
      heartbeatScriptCall(keys, {
        ...withoutTicketGeneration(input),
        checkStage,
        auditTrail: cached?.auditTrail === true,
        setExpiry,
        // Worked out only here: a heartbeat with its ticket never needs it.
        audienceTag: input.audienceTag(),
        ...(checkIndex ? { ticketGeneration: input.ticketGeneration! } : {}),
      }),
    );
  } else {
    const index = input.index!;
    // A paused or buffering player is present, but earns no watch time: only its present bit.
    step(undefined, (pipeline) =>
      input.credited
        ? pipeline.bitfield(slotKey).set("u2", `#${index}`, PRESENT_AND_WATCHED).exec()
        : pipeline
            .bitfield(slotKey)
            .set("u1", 2 * index, 1)
            .exec(),
    );
    // The seed's scheme 2: one more command per heartbeat, only on stages that ask for it.
    if (cached!.auditTrail) {
      step(undefined, (pipeline) =>
        pipeline.xadd(keys.audit(stageId), "*", { v: viewerId, t: nowMs }),
      );
    }
  }

  if (setExpiry && !scripted) {
    step(undefined, (pipeline) => pipeline.expire(slotKey, WATCH_KEY_EXPIRY_SEC));
    if (cached!.auditTrail) {
      step(undefined, (pipeline) => pipeline.expire(keys.audit(stageId), WATCH_KEY_EXPIRY_SEC));
    }
  }
  const count = isolate.counts.getWithAge(stageId, nowMs);
  // One count refresh per stage per isolate at a time: concurrent heartbeats answer the cached
  // count or, with none yet (a fresh isolate, a restore), wait for the one in flight.
  const refreshCount =
    (count === undefined || count.ageMs >= COUNT_CACHE_MS) &&
    isolate.countRefreshes.begin(stageId, nowMs);
  // The registry check rides along when due, and with every count refresh: a count read without
  // the marker cannot tell an audience that left from a Redis that lost its data (it answered
  // 2 viewers of 20, unflagged, until the next check). The script reads it itself.
  const checkRegistry =
    !checkStage &&
    (refreshCount ||
      (registryCheckDue(isolate, nowMs) && !isolate.registryChecks.holds(REGISTRY, nowMs)));
  // Shortly after a restore, the stage's estimate rides in the same MGET, unless this isolate
  // already found it has none (no recent snapshot: a new deployment, or an audience long gone).
  const restoredAtMs = isolate.registry.restoredAtMs;
  const readEstimate =
    refreshCount &&
    restoredAtMs !== undefined &&
    nowMs < restoredAtMs + input.presenceTtlSec * 1000 &&
    isolate.estimates.get(stageId, nowMs) !== null;
  if (checkRegistry) {
    isolate.registryChecks.take(REGISTRY, nowMs);
    step("registry", (pipeline) =>
      pipeline.mget(...registryCheckKeys(keys, readEstimate ? stageId : undefined)),
    );
  }
  if (refreshCount) {
    step("count", liveCountCall(keys, stageId, nowMs, input.presenceTtlSec, input.countWidthsSec));
    if (input.intervalKey !== undefined) {
      step("interval", (pipeline) => pipeline.get(input.intervalKey!));
    }
  }

  let replies: unknown[];
  try {
    replies = await redisCall(isolate.redisGuard, () =>
      execPipeline(redis, steps, isolate.scriptSha1),
    );
  } catch (error) {
    if (setExpiry) isolate.expirySet.delete(slotKey);
    throw error;
  } finally {
    // Heartbeats waiting for this refresh or check read what it leaves in the isolate's caches,
    // written below before this request yields again (nothing below awaits before them).
    if (refreshCount) isolate.countRefreshes.end(stageId);
    if (checkRegistry) isolate.registryChecks.end(REGISTRY);
  }
  const reply = (name: Parameters<typeof reads.get>[0]) => {
    const at = reads.get(name);
    return at === undefined ? undefined : (replies[at] ?? null);
  };
  const written = scripted ? decodeHeartbeatReply(reply("write"), checkStage) : undefined;
  const check = checkRegistry ? decodeRegistryCheck(reply("registry")) : undefined;
  let live: LiveCount | undefined;
  if (refreshCount) {
    live = {
      live: decodeLiveCount(reply("count")),
      estimate: checkStage ? written!.checked!.estimate : check!.estimate,
    };
  }

  let registryLost = false;
  let stage = cached;
  let index = input.index;
  let unknownIndex = false;
  if (written !== undefined) {
    const { checked, result } = written;
    if (checked !== undefined) {
      registryLost = applyRegistryCheck(isolate, checked.registry, nowMs) === "lost";
      if (checked.stage === undefined) {
        if (!registryLost) rememberStage(isolate, stageId, undefined, nowMs);
        return { kind: "unknown-stage", registryComplete: !registryLost };
      }
      stage = checked.stage;
      rememberStage(isolate, stageId, stage, nowMs);
      if (result.kind === "elsewhere") return { kind: "elsewhere", stage, registryLost };
      if (result.kind === "refused") {
        // The script applied the copy's `accepts`, computed by the same rule: this says why.
        const reason = heartbeatAcceptance(stage, input.anonymous);
        return { kind: "refused", stage, reason, registryLost };
      }
    }
    unknownIndex = result.kind === "unknown-index";
    if (result.kind === "written") {
      index = result.index;
      isolate.viewerIndexes.set(viewerIndexKey(stageId, epoch, viewerId), index, nowMs);
      learnIndexCount(isolate, stageId, epoch, Math.max(index + 1, result.listLength ?? 0), nowMs);
    }
  }
  if (check !== undefined)
    registryLost = applyRegistryCheck(isolate, check.check, nowMs) === "lost";
  if (unknownIndex) return { kind: "unknown-index", stage: stage!, registryLost };
  const counted = {
    kind: "counted" as const,
    stage: stage!,
    index: index!,
    registryLost,
  };
  if (live === undefined) {
    if (count !== undefined) return { ...counted, count: count.value };
    // None cached, and another heartbeat is refreshing it: wait for that one on this request's
    // own timers and answer what it cached. When it cached nothing (it failed, or found Redis
    // had lost its data), or the wait ran out: a count of its own.
    await isolate.countRefreshes.waitFor(stageId, nowMs);
    const refreshed = isolate.counts.get(stageId, nowMs);
    if (refreshed !== undefined) return { ...counted, count: refreshed };
    const own = await readLiveCount(
      deps,
      stageId,
      nowMs,
      input.presenceTtlSec,
      input.countWidthsSec,
    );
    return { ...counted, registryLost: registryLost || own.registryLost, count: own.count };
  }
  if (!registryLost) isolate.counts.set(stageId, live, nowMs);
  const outcome = { ...counted, count: live };
  if (!reads.has("interval")) return outcome;
  return { ...outcome, intervalJson: reply("interval") as string | null };
}

/** The input without its ticket's generation: the script checks only what the isolate cannot vouch for. */
function withoutTicketGeneration({ ticketGeneration: _, ...input }: HeartbeatInput) {
  return input;
}

/**
 * A stage's live count in a request of its own (COUNT_SCRIPT), with the registry check, so that
 * a count read after Redis lost its data says so (`registryLost`).
 */
async function readLiveCount(
  { redis, keys, isolate }: RecordDeps,
  stageId: string,
  nowMs: number,
  presenceTtlSec: number,
  widthsSec: readonly number[],
): Promise<{ count: LiveCount; registryLost: boolean }> {
  const [check, live] = await redisCall(isolate.redisGuard, () =>
    execPipeline(
      redis,
      [
        (pipeline) => pipeline.mget(...registryCheckKeys(keys)),
        liveCountCall(keys, stageId, nowMs, presenceTtlSec, widthsSec),
      ],
      isolate.scriptSha1,
    ),
  );
  return {
    count: { live: decodeLiveCount(live), estimate: undefined },
    registryLost: applyRegistryCheck(isolate, decodeRegistryCheck(check).check, nowMs) === "lost",
  };
}
