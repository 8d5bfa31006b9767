import {
  type HeartbeatAcceptance,
  heartbeatAcceptance,
} from "@viewer-presence/shared/heartbeat-acceptance";
import { decodeLiveCount } from "@viewer-presence/shared/live-count";
import { epochAt } from "@viewer-presence/shared/slot-bitmaps";
import type { Stage } from "@viewer-presence/shared/stage";
import type { LiveCount } from "../isolate/count-memory";
import { applyRegistryCheck, cachedStage, rememberStage } from "../isolate/isolate-state";
import { viewerIndexKey } from "../isolate/viewer-memory";
import {
  type HeartbeatInput,
  type Plan,
  planHeartbeat,
  type RecordDeps,
  sendPlan,
} from "./heartbeat-plan";
import { decodeHeartbeatReply, type HeartbeatScriptReply } from "./heartbeat-script";
import { heldCount } from "./held-count";
import { decodeNextIndex } from "./next-epoch-index";
import { decodeRegistryCheck } from "./registry-check";
import { applySharedCounts, fileCount, sharedCountAnswer } from "./shared-count";
import { learnIndexCount } from "./ticket-index";

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
 * Sends the heartbeat's one request, as heartbeat-plan.ts plans it, and turns its replies into
 * the outcome, leaving in the isolate what they tell it (the stage, the registry check, the
 * viewer's indexes, the refreshed count).
 */
async function record(
  deps: RecordDeps,
  input: HeartbeatInput,
  cached: Stage | undefined,
): Promise<HeartbeatOutcome> {
  const plan = planHeartbeat(deps, input, cached);
  const reply = await sendPlan(deps, input, plan);
  const written = plan.scripted ? decodeHeartbeatReply(reply("write"), plan.checkStage) : undefined;
  // The MGET's values: the registry check's, then the counts of the stages this isolate took.
  const registryValues = (reply("registry") as unknown[] | null) ?? [];
  const check = plan.checkRegistry
    ? decodeRegistryCheck(registryValues.slice(0, plan.checkLength))
    : undefined;
  const applied = written === undefined ? undefined : applyWritten(deps, input, written);
  if (applied?.kind === "done") return applied.outcome;
  let registryLost = applied?.registryLost ?? false;
  let regenerated = applied?.regenerated ?? false;
  if (check !== undefined) {
    const checked = applyRegistryCheck(deps.isolate, check.check, input.nowMs);
    registryLost = checked === "lost";
    regenerated ||= checked === "regenerated";
    if (!registryLost) {
      const others = registryValues.slice(plan.sharedStagesAt);
      applySharedCounts(deps.isolate.counts, plan.sharedStages, others, input.nowMs);
    }
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
  const estimate = plan.checkStage ? written!.checked!.estimate : check!.estimate;
  const live = plan.countShared
    ? sharedCountAnswer(reply("count"), estimate, input.nowMs)
    : { live: decodeLiveCount(reply("count")), estimate, asOfMs: input.nowMs };
  // Not over a count read later (a page's first heartbeat counts while a refresh is in flight).
  const held = deps.isolate.counts.live.get(input.stageId, input.nowMs);
  if (!registryLost && (held === undefined || held.asOfMs <= live.asOfMs)) {
    fileCount(deps.isolate.counts, input.stageId, live, input.nowMs);
  }
  const outcome = { ...counted, count: live };
  if (!plan.reads.has("interval")) return outcome;
  return { ...outcome, intervalJson: reply("interval") as string | null };
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
