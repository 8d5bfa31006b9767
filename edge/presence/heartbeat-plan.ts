import { liveCountCall, sharedCountCall } from "@viewer-presence/shared/live-count";
import type { PipelineStep } from "@viewer-presence/shared/pipeline-scripts";
import type { RedisKeys } from "@viewer-presence/shared/redis-keys";
import { WATCH_KEY_EXPIRY_SEC } from "@viewer-presence/shared/redis-keys";
import { epochAt, PRESENT_AND_WATCHED } from "@viewer-presence/shared/slot-bitmaps";
import type { Stage } from "@viewer-presence/shared/stage";
import { slotAt, windowIndex } from "@viewer-presence/shared/windows";
import { COUNT_CACHE_MS, type LiveCount } from "../isolate/count-memory";
import type { IsolateState } from "../isolate/isolate-state";
import { REGISTRY, registryCheckDue } from "../isolate/registry-memory";
import { type EdgeRedis, pipelineCall } from "../redis-client";
import { heartbeatScriptCall } from "./heartbeat-script";
import { nextIndexCall } from "./next-epoch-index";
import { registryCheckKeys } from "./registry-check";
import { countDue, stagesTaken } from "./shared-count";
import { ticketIndexVouched } from "./ticket-index";

/**
 * A heartbeat's one request to Upstash, planned: what it writes, which reads ride along, where
 * each reply will be, and the marks it holds in the isolate until it returns (heartbeat.ts
 * reads the replies).
 */

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

/** The database a heartbeat is recorded in: its client, keys, and what the isolate knows of it. */
export type RecordDeps = { redis: EdgeRedis; keys: RedisKeys; isolate: IsolateState };

/** What a reply of the one request answers; each step's place in it, by name. */
export type ReadName = "write" | "next" | "registry" | "count" | "interval";

/** The heartbeat's one request as built, and the marks it set in the isolate. */
export interface Plan {
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
  /**
   * Whether the refresh is SHARED_COUNT_SCRIPT (`<count>:<asOf>`, shared-count.ts), else
   * COUNT_SCRIPT (a count of its own, not shared: the heartbeat may be refused).
   */
  countShared: boolean;
  /** How many of the MGET's values are the registry check's (with the estimate, if read). */
  checkLength: number;
  /** Other stages whose shared counts ride in the MGET (shared-count.ts), from `sharedStagesAt`. */
  sharedStages: string[];
  sharedStagesAt: number;
  /** Whether it carries the registry check (marked in `registry.checks`). */
  checkRegistry: boolean;
  /** The count the isolate holds, as it was when the request was built. */
  cachedCount: { value: LiveCount; ageMs: number } | undefined;
}

/**
 * Builds the heartbeat's one request. The write is a `BITFIELD` (present and watched
 * bits, or only present while paused) when the stage is vouched for (`cached`) and the index is
 * known, else HEARTBEAT_SCRIPT. `XADD` follows on stages that keep an audit trail. Reads ride
 * after the writes only when due: `EXPIRE`s once per key per isolate; the registry check
 * (`MGET m v rs g`) once per isolate every REGISTRY_CHECK_MS and with every count refresh (the
 * script reads it itself when it checks the stage); the live count (COUNT_SCRIPT, with the
 * restore estimate shortly after a data loss, and the budget's interval) once per stage per
 * isolate every COUNT_CACHE_MS. What one heartbeat is already fetching or setting, concurrent
 * ones do not repeat: the marks are set when the request is built, not when it returns.
 */
export function planHeartbeat(
  deps: RecordDeps,
  input: HeartbeatInput,
  cached: Stage | undefined,
): Plan {
  const plan = planWrite(deps, input, cached);
  if (input.handOutNext === true && !plan.mayRefuse) {
    addStep(plan, "next", nextIndexCall(deps.keys, { ...input, audienceTag: input.audienceTag() }));
  }
  planReads(deps, input, plan);
  return plan;
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
    ...{ countShared: false, checkLength: 0 },
    ...{ sharedStages: [], sharedStagesAt: 0 },
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
 * it checks the stage), with the counts other isolates shared of the stages this isolate holds;
 * the live count (SHARED_COUNT_SCRIPT, with the restore estimate shortly after a data loss, and
 * the budget's interval) when the one held is COUNT_CACHE_MS old (shared-count.ts).
 */
function planReads({ keys, isolate }: RecordDeps, input: HeartbeatInput, plan: Plan): void {
  const { stageId, nowMs } = input;
  plan.cachedCount = isolate.counts.live.getWithAge(stageId, nowMs);
  // One count refresh per stage per isolate at a time: concurrent heartbeats answer the cached
  // count or, with none yet (a fresh isolate, a restore), wait for the one in flight. A page's
  // first heartbeat counts in its own request all the same: its answer must include itself.
  const due = countDue(plan.cachedCount?.value, nowMs);
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
  const restoring =
    restoredAtMs !== undefined && nowMs < restoredAtMs + input.presenceTtlSec * 1000;
  const readEstimate =
    plan.refreshCount && restoring && isolate.counts.estimates.get(stageId, nowMs) !== null;
  if (plan.checkRegistry) {
    isolate.registry.checks.take(REGISTRY, nowMs);
    const checked = registryCheckKeys(keys, readEstimate ? stageId : undefined);
    plan.checkLength = checked.length;
    // The counts other isolates made of the stages whose count this isolate took, its own
    // stage's too unless it refreshes that count (the script reads it then): no command of
    // their own.
    const except = plan.refreshCount ? stageId : undefined;
    plan.sharedStages = stagesTaken(isolate.counts, except, nowMs);
    plan.sharedStagesAt = checked.length;
    checked.push(...plan.sharedStages.map((other) => keys.sharedCount(other)));
    addStep(plan, "registry", (pipeline) => pipeline.mget(...checked));
  }
  if (!plan.refreshCount) return;
  const { presenceTtlSec, countWidthsSec: widthsSec, intervalKey } = input;
  // A heartbeat that may be refused changes nothing: it counts for itself, and shares nothing.
  plan.countShared = !plan.mayRefuse;
  const call = plan.countShared
    ? sharedCountCall(keys, stageId, {
        ...{ nowMs, presenceTtlSec, widthsSec, keepMs: COUNT_CACHE_MS },
        // A page's first heartbeat counts whatever is shared: its answer must include it.
        takeWithinMs: input.freshCount === true ? 0 : COUNT_CACHE_MS,
      })
    : liveCountCall(keys, stageId, nowMs, presenceTtlSec, widthsSec);
  addStep(plan, "count", call);
  if (intervalKey !== undefined) addStep(plan, "interval", (pipeline) => pipeline.get(intervalKey));
}

/** Sends the plan's one request; its marks end however it goes. Returns each reply by name. */
export async function sendPlan({ redis, isolate }: RecordDeps, input: HeartbeatInput, plan: Plan) {
  let replies: unknown[];
  try {
    replies = await pipelineCall({ redis, isolate }, plan.steps);
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

/** The input without its ticket's generation: the script checks only what the isolate cannot vouch for. */
function withoutTicketGeneration({ ticketGeneration: _, ...input }: HeartbeatInput) {
  return input;
}
