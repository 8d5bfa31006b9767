import type { HeartbeatAcceptance } from "@viewer-presence/shared/heartbeat-acceptance";
import { type Cadence, countedWidthsSec } from "@viewer-presence/shared/heartbeat-cadence";
import type { PresenceTicket, TicketSigner } from "@viewer-presence/shared/presence-ticket";
import { epochAt } from "@viewer-presence/shared/slot-bitmaps";
import type { Stage } from "@viewer-presence/shared/stage";
import type { Services, Shard } from "../env";
import { rememberStage } from "../isolate/isolate-state";
import { viewerIndexKey } from "../isolate/viewer-memory";
import { StoreUnavailableError } from "../problems";
import { registryRebuilding } from "../stages/stage-registry";
import { currentCadence, intervalIsStale, rememberInterval } from "./current-cadence";
import { type HeartbeatOutcome, recordHeartbeat } from "./heartbeat";
import type { HeartbeatInput, RecordDeps } from "./heartbeat-plan";
import { nextIndexDue } from "./next-epoch-index";
import { nextHeartbeatInMs } from "./next-heartbeat";
import { ticketScope, validTicket } from "./presence-tickets";
import { countToAnswer } from "./restore-estimates";
import { spreadCount } from "./spread-count";

/** One heartbeat as a transport hands it over, parsed and its viewer authenticated. */
export interface HeartbeatRequest {
  stageId: string;
  viewer: { viewerId: string; anonymous: boolean };
  /** Whether the player is playing (earns watch time); a paused one is present all the same. */
  playing: boolean;
  /** The presence ticket the client sent back, if any. */
  ticket: string | undefined;
  /** Where and on what the viewer watches (shared/audience.ts), worked out only when needed. */
  audienceTag: () => string;
}

/** What a heartbeat comes to, for the transport to answer. */
export type HeartbeatResult =
  | {
      kind: "counted";
      viewers: number;
      estimated: boolean;
      /** When `viewers` was true: when the live count was counted, or the snapshot's time. */
      asOfMs: number;
      nextHeartbeatInMs: number;
      /** The ticket the client sends with its next heartbeat. */
      ticket: string;
    }
  | { kind: "rate-limited"; retryAfterSec: number }
  | { kind: "unknown-stage" }
  | { kind: "refused"; reason: HeartbeatAcceptance }
  /** Validly signed, so made with the viewer-token secret, yet naming no viewer's index. */
  | { kind: "unknown-index" };

/** What every step of one heartbeat shares. */
interface Beat {
  services: Services;
  request: HeartbeatRequest;
  /** The stage's home database. */
  home: Shard;
  cadence: Cadence;
  signer: TicketSigner;
}

/** One recording of the heartbeat in one database, and what its ticket meant there. */
interface Attempt {
  outcome: Exclude<HeartbeatOutcome, { kind: "elsewhere" }>;
  shard: Shard;
  /** What a ticket for this database is signed for (presence-tickets.ts `ticketScope`). */
  scope: string;
  /** The client's ticket as valid this epoch (presence-tickets.ts `validTicket`), if it was. */
  ticketed: PresenceTicket | undefined;
  /** Whether the client's ticket is still the one to answer (not after a data loss). */
  ticketHolds: boolean;
}

/**
 * Records a viewer's heartbeat in the database the stage puts the viewer in and answers the
 * stage's count, the next interval and the ticket for the next heartbeat.
 */
export async function sendHeartbeat(
  services: Services,
  request: HeartbeatRequest,
): Promise<HeartbeatResult> {
  const { config, nowMs } = services;
  const { stageId, viewer } = request;
  const home = services.shard(stageId);
  const cadence = currentCadence(config, home.isolate, nowMs);
  const retryAfterSec = home.isolate.heartbeatLimiter.hit(
    `${stageId}|${viewer.viewerId}`,
    nowMs,
    cadence.intervalSec * 1000,
  );
  if (retryAfterSec > 0) return { kind: "rate-limited", retryAfterSec };
  const signer = home.isolate.ticketSignerFor(config.viewerTokenSecret);
  const beat: Beat = { services, request, home, cadence, signer };
  const attempt = await beatWhereTheViewerWrites(beat);
  const { outcome, shard } = attempt;
  if (outcome.kind === "refused") return { kind: "refused", reason: outcome.reason };
  if (outcome.kind !== "counted") return { kind: outcome.kind };
  if (outcome.intervalJson !== undefined) {
    rememberInterval(shard.isolate, outcome.intervalJson, config.heartbeatIntervalSec, nowMs);
  }
  const count = await countOf(beat, shard, outcome);
  return {
    kind: "counted",
    viewers: count.viewers,
    estimated: count.estimated,
    asOfMs: count.asOfMs,
    // The interval as just re-read, when this heartbeat re-read it.
    nextHeartbeatInMs: nextHeartbeatInMs(
      currentCadence(config, shard.isolate, nowMs).intervalSec,
      Math.random(),
    ),
    ticket: await answerTicket(beat, attempt, outcome),
  };
}

/**
 * Any copy of the stage this isolate holds says where the viewer writes: `databases` never
 * changes after creation. Else the home decides, and says so if the viewer belongs elsewhere:
 * the heartbeat is sent there (the spread-stage retry).
 */
async function beatWhereTheViewerWrites(beat: Beat): Promise<Attempt> {
  const { stageId } = beat.request;
  const { nowMs } = beat.services;
  const known = beat.home.isolate.stages.copies.get(stageId, nowMs)?.stage ?? undefined;
  const first = await beatIn(beat, known);
  if (first.outcome.kind !== "elsewhere") return { ...first, outcome: first.outcome };
  rememberStage(beat.home.isolate, stageId, first.outcome.stage, nowMs);
  const second = await beatIn(beat, first.outcome.stage);
  // Only if the stage changed between the two requests, which its `databases` cannot.
  if (second.outcome.kind === "elsewhere") {
    throw new StoreUnavailableError("redis", {
      cause: new Error(`stage ${stageId}: its databases disagree about where viewers go`),
    });
  }
  return { ...second, outcome: second.outcome };
}

/**
 * The heartbeat in the database `stage` puts this viewer in (the home when the stage is not
 * known here yet): what a ticket there means, the write, and a registry rebuild if that
 * database lost its data.
 */
async function beatIn(
  beat: Beat,
  stage: Stage | undefined,
): Promise<Omit<Attempt, "outcome"> & { outcome: HeartbeatOutcome }> {
  const { services, request, home } = beat;
  const { viewerId } = request.viewer;
  const shard = stage === undefined ? home : services.viewerShard(stage, viewerId);
  const scope = ticketScope(request.stageId, shard, home, services.config);
  const ticketed =
    request.ticket === undefined
      ? undefined
      : await validTicket(shard.isolate, beat.signer, request.ticket, {
          stageId: scope,
          viewerId,
          nowMs: services.nowMs,
        });
  const input = heartbeatInput(beat, shard, stage, ticketed);
  const deps = { redis: shard.redis, keys: services.keys, isolate: shard.isolate };
  const outcome = await recordHeartbeat(deps, input);
  const attempt = { shard, scope, ticketed };
  const lost = outcome.kind === "unknown-stage" ? !outcome.registryComplete : outcome.registryLost;
  if (!lost && (outcome.kind !== "counted" || !outcome.indexStale)) {
    return { ...attempt, outcome, ticketHolds: ticketed !== undefined };
  }
  if (!lost) {
    // Written at an index from before a data loss someone else rebuilt after (a stale bit, as
    // docs/redis-layout.md allows): never answer it in a ticket of the new generation.
    const { index: _stale, ticketGeneration: _of, ...lookedUp } = input;
    return { ...attempt, outcome: await recordHeartbeat(deps, lookedUp), ticketHolds: false };
  }
  const again = await recordAfterRestore(shard.registry, deps, input, outcome);
  return { ...attempt, outcome: again, ticketHolds: false };
}

/** What {@link recordHeartbeat} is given: the viewer's index from the ticket or this isolate. */
function heartbeatInput(
  { services, request, cadence }: Beat,
  { isolate }: Shard,
  stage: Stage | undefined,
  ticketed: PresenceTicket | undefined,
): HeartbeatInput {
  const { config, nowMs, keys } = services;
  const { stageId, viewer } = request;
  const index =
    ticketed?.index ??
    isolate.viewers.indexes.get(viewerIndexKey(stageId, epochAt(nowMs), viewer.viewerId), nowMs);
  return {
    stageId,
    ...viewer,
    credited: request.playing,
    nowMs,
    ...cadence,
    countWidthsSec: countedWidthsSec(config, cadence),
    audienceTag: request.audienceTag,
    databases: stage?.databases ?? 1,
    ...(index === undefined ? {} : { index }),
    ...(ticketed === undefined ? {} : { ticketGeneration: ticketed.generation }),
    // A page's first heartbeat (the client has no ticket yet) answers a count that includes it.
    freshCount: request.ticket === undefined,
    handOutNext:
      ticketed?.nextIndex === undefined &&
      nextIndexDue(stageId, viewer.viewerId, nowMs) &&
      knownNextIndex(isolate, stageId, viewer.viewerId, nowMs) === undefined,
    ...(intervalIsStale(config, isolate, nowMs) ? { intervalKey: keys.heartbeatInterval() } : {}),
  };
}

/**
 * Redis lost its data (or this deployment is new): rebuild the registry (or wait for the
 * request of this isolate rebuilding it). A recorded heartbeat's index came from before the loss
 * and names no one now: look the viewer up in the new generation, so the ticket answered is good
 * (a stale bit set meanwhile: see docs/redis-layout.md). An unknown stage is looked up again.
 */
async function recordAfterRestore(
  registry: Shard["registry"],
  deps: RecordDeps,
  input: HeartbeatInput,
  outcome: HeartbeatOutcome,
): Promise<HeartbeatOutcome> {
  await registry.restore();
  if (outcome.kind !== "unknown-stage" && input.index === undefined) return outcome;
  const { index: _stale, ticketGeneration: _of, ...lookedUp } = input;
  const again = await recordHeartbeat(deps, lookedUp);
  // Not rebuilt yet (another request is at it), or lost again: a 503, never a 404.
  if (again.kind === "unknown-stage" && !again.registryComplete) throw registryRebuilding();
  return again;
}

/** The count answered: a spread stage's parts summed, else the live count or its estimate. */
async function countOf(
  { services, request, cadence }: Beat,
  shard: Shard,
  outcome: Extract<HeartbeatOutcome, { kind: "counted" }>,
): Promise<{ viewers: number; estimated: boolean; asOfMs: number }> {
  const { stageId } = request;
  const { nowMs } = services;
  if ((outcome.stage.databases ?? 1) > 1) {
    const own = { shard, count: outcome.count };
    return spreadCount(services.stageShards(outcome.stage), stageId, nowMs, own);
  }
  const deps = { ...services, ...shard };
  return countToAnswer(deps, stageId, outcome.count, nowMs, cadence.presenceTtlSec);
}

/**
 * The client's ticket when it names this index (and the next epoch's, once the viewer has one),
 * else a new one (signed only then). Late in the hour the next epoch's index comes from this
 * heartbeat, the client's ticket or this isolate's memory (next-epoch-index.ts).
 */
async function answerTicket(
  { services, request, signer }: Beat,
  { shard, scope, ticketed, ticketHolds }: Attempt,
  { index, nextIndex: handedOut }: { index: number; nextIndex?: number },
): Promise<string> {
  const { nowMs } = services;
  const { viewerId } = request.viewer;
  const nextIndex =
    handedOut ??
    (ticketHolds && ticketed?.index === index ? ticketed.nextIndex : undefined) ??
    (nextIndexDue(request.stageId, viewerId, nowMs)
      ? knownNextIndex(shard.isolate, request.stageId, viewerId, nowMs)
      : undefined);
  if (
    ticketHolds &&
    ticketed?.index === index &&
    ticketed.nextIndex === nextIndex &&
    request.ticket !== undefined
  ) {
    return request.ticket;
  }
  return signer.sign(scope, viewerId, {
    epoch: epochAt(nowMs),
    index,
    generation: shard.isolate.registry.view.generation ?? "0",
    ...(nextIndex === undefined ? {} : { nextIndex }),
  });
}

/** The viewer's next-epoch index as this isolate remembers it (handed out or looked up here). */
function knownNextIndex(
  isolate: Shard["isolate"],
  stageId: string,
  viewerId: string,
  nowMs: number,
): number | undefined {
  return isolate.viewers.indexes.get(viewerIndexKey(stageId, epochAt(nowMs) + 1, viewerId), nowMs);
}
