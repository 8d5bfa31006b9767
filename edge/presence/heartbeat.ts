import {
  type HeartbeatAcceptance,
  heartbeatAcceptance,
} from "@viewer-presence/shared/heartbeat-acceptance";
import {
  decodeLiveCount,
  liveCountCall,
  sharedCountCall,
} from "@viewer-presence/shared/live-count";
import { execPipeline, type PipelineStep } from "@viewer-presence/shared/pipeline-scripts";
import type { RedisKeys } from "@viewer-presence/shared/redis-keys";
import { WATCH_KEY_EXPIRY_SEC } from "@viewer-presence/shared/redis-keys";
import { epochAt, PRESENT_AND_WATCHED } from "@viewer-presence/shared/slot-bitmaps";
import type { Stage } from "@viewer-presence/shared/stage";
import { slotAt, windowIndex } from "@viewer-presence/shared/windows";
import { COUNT_CACHE_MS, type LiveCount } from "../isolate/count-memory";
import {
  applyRegistryCheck,
  cachedStage,
  type IsolateState,
  rememberStage,
} from "../isolate/isolate-state";
import { REGISTRY, registryCheckDue } from "../isolate/registry-memory";
import { viewerIndexKey } from "../isolate/viewer-memory";
import { type EdgeRedis, redisCall } from "../redis-client";
import {
  decodeHeartbeatReply,
  type HeartbeatScriptReply,
  heartbeatScriptCall,
} from "./heartbeat-script";
import { heldCount } from "./held-count";
import { decodeNextIndex, nextIndexCall } from "./next-epoch-index";
import { decodeRegistryCheck, registryCheckKeys } from "./registry-check";
import { type CountRefresh, countRefresh, refreshedCount } from "./shared-count";
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
  /**
   * Count after this heartbeat's write, in its request, whatever the isolate holds: a page's
   * first heartbeat (no ticket), whose answer must count the viewer itself.
   */
  freshCount?: boolean;
  /**
   * Also hand out the viewer's index for the next epoch (next-epoch-index.ts), when the stage is
   * vouched for: late in the hour, for a viewer whose ticket does not carry it yet.
   */
  handOutNext?: boolean;
}

export type HeartbeatOutcome =
  /** `intervalJson` is what `intervalKey` held, when it was read. */
  | {
      kind: "counted";
      stage: Stage;
      count: LiveCount;
      /** The viewer's index this epoch (what the ticket answered carries). */
      index: number;
      /** The viewer's index next epoch, when this heartbeat handed it out (`handOutNext`). */
      nextIndex?: number;
      intervalJson?: string | null;
      /** The registry check found Redis had lost its data: rebuild the registry. */
      registryLost: boolean;
      /**
       * The registry check found a data generation this isolate had not seen (someone else
       * rebuilt the registry after a loss) while `index` came from before it (a ticket or the
       * isolate's memory): it may be another viewer's now. Look the viewer up.
       */
      indexStale: boolean;
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
  await isolate.stages.checks.waitFor(stageId, nowMs);

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
    isolate.stages.checks.take(stageId, nowMs);
    try {
      return await record(deps, input, undefined);
    } finally {
      isolate.stages.checks.end(stageId);
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
  const plan = planWrite(deps, input, cached);
  if (input.handOutNext === true && !plan.mayRefuse) {
    addStep(plan, "next", nextIndexCall(deps.keys, { ...input, audienceTag: input.audienceTag() }));
  }
  planReads(deps, input, plan);
  const reply = await send(deps, input, plan);
  const written = plan.scripted ? decodeHeartbeatReply(reply("write"), plan.checkStage) : undefined;
  // The MGET's values: the registry check's, then the shared count when it rode along.
  const registryValues = (reply("registry") as unknown[] | null) ?? [];
  const check = plan.checkRegistry
    ? decodeRegistryCheck(registryValues.slice(0, plan.sharedAt))
    : undefined;
  const applied = written === undefined ? undefined : applyWritten(deps, input, written);
  if (applied?.kind === "done") return applied.outcome;
  let registryLost = applied?.registryLost ?? false;
  let regenerated = applied?.regenerated ?? false;
  if (check !== undefined) {
    const checked = applyRegistryCheck(deps.isolate, check.check, input.nowMs);
    registryLost = checked === "lost";
    regenerated ||= checked === "regenerated";
  }
  const stage = applied?.stage ?? cached!;
  if (applied?.kind === "unknown-index") return { kind: "unknown-index", stage, registryLost };
  const counted = {
    kind: "counted" as const,
    stage,
    index: applied?.index ?? input.index!,
    ...(plan.reads.has("next") ? { nextIndex: applyNextIndex(deps, input, reply("next")) } : {}),
    registryLost,
    indexStale: regenerated && input.index !== undefined,
  };
  if (!plan.refreshCount) return withHeldCount(deps, input, plan, counted);
  const refreshed = refreshedCount(plan.countRefresh, {
    counted: plan.countRefresh === "count" ? decodeLiveCount(reply("count")) : undefined,
    sharedValue: plan.sharedAt === undefined ? undefined : (registryValues[plan.sharedAt] ?? null),
    held: plan.cachedCount,
    estimate: plan.checkStage ? written!.checked!.estimate : check!.estimate,
    nowMs: input.nowMs,
  });
  if (refreshed === undefined) return withHeldCount(deps, input, plan, counted);
  const live = refreshed.count;
  // Not over a count read later (a page's first heartbeat counts while a refresh is in flight).
  const held = deps.isolate.counts.live.get(input.stageId, input.nowMs);
  if (!registryLost && (held === undefined || held.asOfMs <= live.asOfMs)) {
    deps.isolate.counts.live.set(input.stageId, live, refreshed.filedAtMs);
  }
  const outcome = { ...counted, count: live };
  if (!plan.reads.has("interval")) return outcome;
  return { ...outcome, intervalJson: reply("interval") as string | null };
}

/** What a reply of the one request answers; each step's place in it, by name. */
type ReadName = "write" | "next" | "registry" | "count" | "interval";

/** The heartbeat's one request as built, and the marks it set in the isolate. */
interface Plan {
  steps: PipelineStep[];
  reads: Map<ReadName, number>;
  slotKey: string;
  /** Whether the write is HEARTBEAT_SCRIPT (else a BITFIELD). */
  scripted: boolean;
  checkStage: boolean;
  /**
   * Whether HEARTBEAT_SCRIPT may write nothing (it checks the stage, or the ticket's index):
   * then nothing else is written either (no next-hour index, no shared count).
   */
  mayRefuse: boolean;
  /** Whether this request gives the slot's bitmap its expiry (marked in `expiries`). */
  setExpiry: boolean;
  /** Whether this request refreshes the stage's count. */
  refreshCount: boolean;
  /** Whether it holds the stage's mark in `counts.refreshes` (a fresh count may not). */
  refreshMarked: boolean;
  /** How the refresh gets the count (shared-count.ts), when it refreshes. */
  countRefresh: CountRefresh;
  /** Where `c:<stage>` is in the registry check's MGET reply, when it rides there. */
  sharedAt: number | undefined;
  /** Whether it carries the registry check (marked in `registry.checks`). */
  checkRegistry: boolean;
  /** The count the isolate holds, as it was when the request was built. */
  cachedCount: { value: LiveCount; ageMs: number } | undefined;
}

function addStep(plan: Plan, name: ReadName | undefined, step: PipelineStep): void {
  if (name !== undefined) plan.reads.set(name, plan.steps.length);
  plan.steps.push(step);
}

/**
 * The write: HEARTBEAT_SCRIPT when the stage is not vouched for (`cached`), the index is not
 * known or the ticket's index is not vouched for; else a BITFIELD, an XADD on stages that keep an
 * audit trail, and the EXPIREs this isolate has not set yet.
 */
function planWrite(
  { keys, isolate }: RecordDeps,
  input: HeartbeatInput,
  cached: Stage | undefined,
) {
  const { stageId, viewerId, nowMs } = input;
  const slotKey = keys.slotBitmap(stageId, windowIndex(nowMs), slotAt(nowMs, input.intervalSec));
  const checkStage = cached === undefined;
  const checkIndex =
    input.ticketGeneration !== undefined &&
    !ticketIndexVouched(isolate, stageId, epochAt(nowMs), input.index!, nowMs);
  const scripted = checkStage || input.index === undefined || checkIndex;
  const setExpiry = isolate.expiries.get(slotKey, nowMs) === undefined;
  if (setExpiry) isolate.expiries.set(slotKey, true, nowMs);
  const plan: Plan = {
    ...{ steps: [], reads: new Map(), slotKey, scripted, checkStage, setExpiry },
    mayRefuse: checkStage || checkIndex,
    ...{ refreshCount: false, refreshMarked: false, checkRegistry: false, cachedCount: undefined },
    ...{ countRefresh: "count" as const, sharedAt: undefined },
  };
  if (scripted) {
    const call = heartbeatScriptCall(keys, {
      ...withoutTicketGeneration(input),
      checkStage,
      auditTrail: cached?.auditTrail === true,
      setExpiry,
      // Worked out only here: a heartbeat with its ticket never needs it.
      audienceTag: input.audienceTag(),
      ...(checkIndex ? { ticketGeneration: input.ticketGeneration! } : {}),
    });
    addStep(plan, "write", call);
    return plan;
  }
  const index = input.index!;
  // A paused or buffering player is present, but earns no watch time: only its present bit.
  addStep(plan, undefined, (pipeline) =>
    input.credited
      ? pipeline.bitfield(slotKey).set("u2", `#${index}`, PRESENT_AND_WATCHED).exec()
      : pipeline
          .bitfield(slotKey)
          .set("u1", 2 * index, 1)
          .exec(),
  );
  const audit = keys.audit(stageId);
  // The seed's scheme 2: one more command per heartbeat, only on stages that ask for it.
  if (cached!.auditTrail) {
    addStep(plan, undefined, (pipeline) => pipeline.xadd(audit, "*", { v: viewerId, t: nowMs }));
  }
  if (setExpiry) {
    addStep(plan, undefined, (pipeline) => pipeline.expire(slotKey, WATCH_KEY_EXPIRY_SEC));
    if (cached!.auditTrail) {
      addStep(plan, undefined, (pipeline) => pipeline.expire(audit, WATCH_KEY_EXPIRY_SEC));
    }
  }
  return plan;
}

/**
 * The reads that ride after the write when due: the registry check (`MGET m v rs g`) once per
 * isolate every REGISTRY_CHECK_MS and with every count refresh (the script reads it itself when
 * it checks the stage); the live count (COUNT_SCRIPT, with the restore estimate shortly after a
 * data loss, and the budget's interval) once per stage per isolate every COUNT_CACHE_MS.
 */
function planReads({ keys, isolate }: RecordDeps, input: HeartbeatInput, plan: Plan): void {
  const { stageId, nowMs } = input;
  plan.cachedCount = isolate.counts.live.getWithAge(stageId, nowMs);
  // One count refresh per stage per isolate at a time: concurrent heartbeats answer the cached
  // count or, with none yet (a fresh isolate, a restore), wait for the one in flight. A page's
  // first heartbeat counts in its own request all the same: its answer must include itself.
  const due = plan.cachedCount === undefined || plan.cachedCount.ageMs >= COUNT_CACHE_MS;
  plan.refreshMarked =
    (due || input.freshCount === true) && isolate.counts.refreshes.begin(stageId, nowMs);
  plan.refreshCount = plan.refreshMarked || input.freshCount === true;
  // The registry check rides along when due, and with every count refresh: a count read without
  // the marker cannot tell an audience that left from a Redis that lost its data (it answered
  // 2 viewers of 20, unflagged, until the next check). The script reads it itself.
  plan.checkRegistry =
    !plan.checkStage &&
    (plan.refreshCount ||
      (registryCheckDue(isolate.registry, nowMs) &&
        !isolate.registry.checks.holds(REGISTRY, nowMs)));
  // Shortly after a restore, the stage's estimate rides in the same MGET, unless this isolate
  // already found it has none (no recent snapshot: a new deployment, or an audience long gone).
  const restoredAtMs = isolate.registry.view.restoredAtMs;
  const readEstimate =
    plan.refreshCount &&
    restoredAtMs !== undefined &&
    nowMs < restoredAtMs + input.presenceTtlSec * 1000 &&
    isolate.counts.estimates.get(stageId, nowMs) !== null;
  if (plan.refreshCount) {
    plan.countRefresh = countRefresh(plan.cachedCount?.value, {
      freshCount: input.freshCount === true,
      checkStage: plan.checkStage,
    });
  }
  if (plan.checkRegistry) {
    isolate.registry.checks.take(REGISTRY, nowMs);
    const checked = registryCheckKeys(keys, readEstimate ? stageId : undefined);
    // The count other isolates share rides in the same MGET (shared-count.ts).
    if (plan.refreshCount) {
      plan.sharedAt = checked.length;
      checked.push(keys.sharedCount(stageId));
    }
    addStep(plan, "registry", (pipeline) => pipeline.mget(...checked));
  }
  if (!plan.refreshCount) return;
  const { presenceTtlSec, countWidthsSec, intervalKey } = input;
  if (plan.countRefresh === "count") {
    // A refused heartbeat changes nothing: its count is not shared.
    const call = plan.mayRefuse
      ? liveCountCall(keys, stageId, nowMs, presenceTtlSec, countWidthsSec)
      : sharedCountCall(keys, stageId, nowMs, presenceTtlSec, countWidthsSec, COUNT_CACHE_MS);
    addStep(plan, "count", call);
  }
  if (intervalKey !== undefined) addStep(plan, "interval", (pipeline) => pipeline.get(intervalKey));
}

/** Sends the plan's one request; its marks end however it goes. Returns each reply by name. */
async function send({ redis, isolate }: RecordDeps, input: HeartbeatInput, plan: Plan) {
  let replies: unknown[];
  try {
    replies = await redisCall(isolate.redisGuard, () =>
      execPipeline(redis, plan.steps, isolate.scriptSha1),
    );
  } catch (error) {
    if (plan.setExpiry) isolate.expiries.delete(plan.slotKey);
    throw error;
  } finally {
    // Heartbeats waiting for this refresh or check read what it leaves in the isolate's caches,
    // which `record` writes before this request yields again (nothing awaits in between).
    if (plan.refreshMarked) isolate.counts.refreshes.end(input.stageId);
    if (plan.checkRegistry) isolate.registry.checks.end(REGISTRY);
  }
  return (name: ReadName): unknown => {
    const at = plan.reads.get(name);
    return at === undefined ? undefined : (replies[at] ?? null);
  };
}

/**
 * What HEARTBEAT_SCRIPT's reply tells the isolate: the stage and registry check it read (when
 * it checked the stage), and the viewer's index it found or handed out. `done` when that already
 * decides the outcome (no stage, refused, elsewhere).
 */
function applyWritten(
  { isolate }: RecordDeps,
  input: HeartbeatInput,
  { checked, result }: HeartbeatScriptReply,
):
  | { kind: "done"; outcome: HeartbeatOutcome }
  | {
      kind: "written" | "unknown-index";
      stage?: Stage;
      index?: number;
      registryLost: boolean;
      regenerated: boolean;
    } {
  const { stageId, viewerId, nowMs } = input;
  let registryLost = false;
  let regenerated = false;
  if (checked !== undefined) {
    const registry = applyRegistryCheck(isolate, checked.registry, nowMs);
    registryLost = registry === "lost";
    regenerated = registry === "regenerated";
    const stage = checked.stage;
    if (stage === undefined) {
      if (!registryLost) rememberStage(isolate, stageId, undefined, nowMs);
      return { kind: "done", outcome: { kind: "unknown-stage", registryComplete: !registryLost } };
    }
    rememberStage(isolate, stageId, stage, nowMs);
    if (result.kind === "elsewhere") {
      return { kind: "done", outcome: { kind: "elsewhere", stage, registryLost } };
    }
    if (result.kind === "refused") {
      // The script applied the copy's `accepts`, computed by the same rule: this says why.
      const reason = heartbeatAcceptance(stage, input.anonymous);
      return { kind: "done", outcome: { kind: "refused", stage, reason, registryLost } };
    }
  }
  const stage = checked?.stage;
  if (result.kind !== "written") return { kind: "unknown-index", stage, registryLost, regenerated };
  const epoch = epochAt(nowMs);
  isolate.viewers.indexes.set(viewerIndexKey(stageId, epoch, viewerId), result.index, nowMs);
  const known = Math.max(result.index + 1, result.listLength ?? 0);
  learnIndexCount(isolate, stageId, epoch, known, nowMs);
  return { kind: "written", stage, index: result.index, registryLost, regenerated };
}

/** What NEXT_INDEX_SCRIPT handed out, remembered by the isolate as it remembers this epoch's. */
function applyNextIndex({ isolate }: RecordDeps, input: HeartbeatInput, reply: unknown): number {
  const { stageId, viewerId, nowMs } = input;
  const next = decodeNextIndex(reply);
  const epoch = epochAt(nowMs) + 1;
  isolate.viewers.indexes.set(viewerIndexKey(stageId, epoch, viewerId), next.index, nowMs);
  learnIndexCount(isolate, stageId, epoch, next.listLength, nowMs);
  return next.index;
}

/** The counted outcome with the count this isolate holds (held-count.ts). */
async function withHeldCount(
  deps: RecordDeps,
  input: HeartbeatInput,
  plan: Plan,
  counted: Omit<Extract<HeartbeatOutcome, { kind: "counted" }>, "count">,
): Promise<HeartbeatOutcome> {
  const held = await heldCount(deps, input, plan.cachedCount?.value);
  return { ...counted, registryLost: counted.registryLost || held.registryLost, count: held.count };
}

/** The input without its ticket's generation: the script checks only what the isolate cannot vouch for. */
function withoutTicketGeneration({ ticketGeneration: _, ...input }: HeartbeatInput) {
  return input;
}
