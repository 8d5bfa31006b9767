import type { OpenAPIHono } from "@hono/zod-openapi";
import { audienceTag, countryOf, deviceClass } from "@viewer-presence/shared/audience";
import { type Config, viewerTokenSecrets } from "@viewer-presence/shared/config";
import type { HeartbeatAcceptance } from "@viewer-presence/shared/heartbeat-acceptance";
import { countedWidthsSec } from "@viewer-presence/shared/heartbeat-cadence";
import { decodeLiveCount, liveCountCall } from "@viewer-presence/shared/live-count";
import { execPipeline } from "@viewer-presence/shared/pipeline-scripts";
import type { PresenceTicket, TicketSigner } from "@viewer-presence/shared/presence-ticket";
import { epochAt, presenceSlots } from "@viewer-presence/shared/slot-bitmaps";
import type { Stage } from "@viewer-presence/shared/stage";
import {
  getStageViewersRoute,
  getViewerTotalsRoute,
  leaveStageRoute,
  sendHeartbeatRoute,
} from "../../openapi/routes";
import type { AppEnv, Shard } from "../env";
import { type IsolateState, rememberStage, viewerIndexKey } from "../isolate-state";
import { currentCadence, intervalIsStale, rememberInterval } from "../presence/cadence";
import { recordHeartbeat } from "../presence/heartbeat";
import { decodeLeaveReply, LEAVE_SCRIPT } from "../presence/heartbeat-script";
import { nextHeartbeatInMs } from "../presence/next-heartbeat";
import { countToAnswer } from "../presence/restore-estimates";
import { readStageViewers } from "../presence/stage-viewers";
import { resolveViewer } from "../presence/viewer-identity";
import { problems, StoreUnavailableError } from "../problems";
import { redisCall } from "../redis-client";
import { registryRebuilding } from "../stages/stage-registry";

/** The problem a refused heartbeat answers (any reason but the anonymous one: the stage ended). */
function refusal(stageId: string, reason: HeartbeatAcceptance) {
  if (reason === "anonymous-refused") {
    return problems.forbidden(
      `Stage "${stageId}" does not allow anonymous viewers; send a viewer token.`,
    );
  }
  return problems.stageEnded(stageId);
}

export function registerPresenceHandlers(app: OpenAPIHono<AppEnv>) {
  app.openapi(sendHeartbeatRoute, async (c) => {
    const { stageId } = c.req.valid("param");
    const { state, ticket } = c.req.valid("query");
    const { config, nowMs, keys } = c.var.services;
    const home = c.var.services.shard(stageId);
    const viewer = await resolveViewer(
      c,
      home.isolate.verifierFor(viewerTokenSecrets(config)),
      stageId,
      nowMs,
    );
    const cadence = currentCadence(config, home.isolate, nowMs);
    const retryAfterSec = home.isolate.heartbeatLimiter.hit(
      `${stageId}|${viewer.viewerId}`,
      nowMs,
      cadence.intervalSec * 1000,
    );
    if (retryAfterSec > 0) throw problems.rateLimited(retryAfterSec);
    const epoch = epochAt(nowMs);
    const signer = home.isolate.ticketSignerFor(config.viewerTokenSecret);
    const audience = () =>
      audienceTag({
        country: countryOf(
          (c.req.raw as { cf?: { country?: unknown } }).cf?.country,
          c.req.header("cf-ipcountry"),
        ),
        device: deviceClass(c.req.header("user-agent"), c.req.header("sec-ch-ua-mobile")),
      });

    /**
     * The heartbeat in the database `stage` puts this viewer in (the home when the stage is not
     * known here yet): what a ticket there means, the write, and a registry rebuild if that
     * database lost its data.
     */
    const beat = async (stage: Stage | undefined) => {
      const shard = stage === undefined ? home : c.var.services.viewerShard(stage, viewer.viewerId);
      const { redis, isolate, registry } = shard;
      const scope = ticketScope(stageId, shard, home, config);
      const ticketed =
        ticket === undefined
          ? undefined
          : await validTicket(isolate, signer, ticket, {
              stageId: scope,
              viewerId: viewer.viewerId,
              nowMs,
            });
      const ticketIndex = ticketed?.index;
      const index =
        ticketIndex ??
        isolate.viewerIndexes.get(viewerIndexKey(stageId, epoch, viewer.viewerId), nowMs);
      const input = {
        stageId,
        ...viewer,
        credited: state === undefined || state === "playing",
        nowMs,
        ...cadence,
        countWidthsSec: countedWidthsSec(config, cadence),
        audienceTag: audience,
        databases: stage?.databases ?? 1,
        ...(index === undefined ? {} : { index }),
        ...(ticketed === undefined ? {} : { ticketGeneration: ticketed.generation }),
        ...(intervalIsStale(config, isolate, nowMs)
          ? { intervalKey: keys.heartbeatInterval() }
          : {}),
      };
      let outcome = await recordHeartbeat({ redis, keys, isolate }, input);
      // Whether the client's ticket is still the one to answer (not after a data loss).
      let ticketHolds = ticketIndex !== undefined;
      const unknown = outcome.kind === "unknown-stage";
      if (outcome.kind === "unknown-stage" ? !outcome.registryComplete : outcome.registryLost) {
        // Redis lost its data (or this deployment is new): rebuild the registry (or wait for
        // the request of this isolate rebuilding it). A recorded heartbeat's index came from
        // before the loss and names no one now: look the viewer up in the new generation, so
        // the ticket answered is good (a stale bit set meanwhile: see docs/redis-layout.md).
        // An unknown stage is looked up again.
        await registry.restore();
        ticketHolds = false;
        if (unknown || input.index !== undefined) {
          const { index: _stale, ticketGeneration: _of, ...lookedUp } = input;
          outcome = await recordHeartbeat({ redis, keys, isolate }, lookedUp);
          // Not rebuilt yet (another request is at it), or lost again: a 503, never a 404.
          if (outcome.kind === "unknown-stage" && !outcome.registryComplete) {
            throw registryRebuilding();
          }
        }
      }
      return { outcome, shard, scope, ticketIndex, ticketHolds };
    };

    // Any copy of the stage this isolate holds says where the viewer writes: `databases` never
    // changes after creation. Else the home decides, and says so if the viewer belongs elsewhere.
    const known = home.isolate.stages.get(stageId, nowMs)?.stage ?? undefined;
    let attempt = await beat(known);
    if (attempt.outcome.kind === "elsewhere") {
      rememberStage(home.isolate, stageId, attempt.outcome.stage, nowMs);
      attempt = await beat(attempt.outcome.stage);
      // Only if the stage changed between the two requests, which its `databases` cannot.
      if (attempt.outcome.kind === "elsewhere") {
        throw new StoreUnavailableError("redis", {
          cause: new Error(`stage ${stageId}: its databases disagree about where viewers go`),
        });
      }
    }
    const { outcome, shard, scope, ticketIndex, ticketHolds } = attempt;
    if (outcome.kind === "unknown-stage") throw problems.stageNotFound(stageId);
    if (outcome.kind === "refused") throw refusal(stageId, outcome.reason);
    if (outcome.kind === "unknown-index") {
      // Validly signed, so made with the viewer-token secret, yet naming no viewer's index.
      throw problems.validation([
        { path: "query.ticket", message: "names an index not handed out on this stage this hour" },
      ]);
    }
    const { isolate } = shard;
    if (outcome.intervalJson !== undefined) {
      rememberInterval(isolate, outcome.intervalJson, config.heartbeatIntervalSec, nowMs);
    }
    const count =
      (outcome.stage.databases ?? 1) > 1
        ? spreadCount(c.var.services.stageShards(outcome.stage), stageId, nowMs, {
            shard,
            live: outcome.count.live,
          })
        : await countToAnswer(
            { ...c.var.services, ...shard },
            stageId,
            outcome.count,
            nowMs,
            cadence.presenceTtlSec,
          );
    // The client's ticket when it named this index, else a new one (signed only then).
    const answerTicket =
      ticketHolds && ticketIndex === outcome.index && ticket !== undefined
        ? ticket
        : await signer.sign(scope, viewer.viewerId, {
            epoch,
            index: outcome.index,
            generation: isolate.registry.generation ?? "0",
          });
    return c.json(
      {
        stageId,
        viewerId: viewer.viewerId,
        viewers: count.viewers,
        estimated: count.estimated,
        // The interval as just re-read, when this heartbeat re-read it.
        nextHeartbeatInMs: nextHeartbeatInMs(
          currentCadence(config, isolate, nowMs).intervalSec,
          Math.random(),
        ),
        ticket: answerTicket,
      },
      200,
    );
  });

  app.openapi(leaveStageRoute, async (c) => {
    const { stageId } = c.req.valid("param");
    const { config, nowMs, keys } = c.var.services;
    const { isolate: homeIsolate, registry } = c.var.services.shard(stageId);
    const viewer = await resolveViewer(
      c,
      homeIsolate.verifierFor(viewerTokenSecrets(config)),
      stageId,
      nowMs,
    );
    const stage = await registry.lookup(stageId);
    if (stage === undefined) throw problems.stageNotFound(stageId);
    // The database the viewer's heartbeats went to.
    const { redis, isolate } = c.var.services.viewerShard(stage, viewer.viewerId);
    const cadence = currentCadence(config, isolate, nowMs);
    const groups = presenceSlots(nowMs, cadence.presenceTtlSec, countedWidthsSec(config, cadence));
    const leave = {
      script: LEAVE_SCRIPT,
      keys: groups.flatMap((group) => [
        keys.viewerIndex(stageId, group.epoch),
        ...group.slots.map(({ window, slot }) => keys.slotBitmap(stageId, window, slot)),
      ]),
      args: [viewer.viewerId, ...groups.map((group) => String(group.slots.length))],
    };
    const [counted] = await redisCall(isolate.redisGuard, () =>
      execPipeline(redis, [leave], isolate.scriptSha1),
    );
    // The count this isolate answers drops by one now; Redis' own is read again within 10 s.
    const cached = isolate.counts.getWithAge(stageId, nowMs);
    if (decodeLeaveReply(counted) && cached !== undefined) {
      const live = Math.max(0, cached.value.live - 1);
      isolate.counts.set(stageId, { ...cached.value, live }, nowMs - cached.ageMs);
    }
    return c.body(null, 204);
  });

  app.openapi(getStageViewersRoute, async (c) => {
    const { stageId } = c.req.valid("param");
    const { config, nowMs } = c.var.services;
    const shard = c.var.services.shard(stageId);
    const { isolate, registry } = shard;
    const stage = await registry.lookup(stageId);
    if (stage === undefined) throw problems.stageNotFound(stageId);
    const cadence = currentCadence(config, isolate, nowMs);
    // A stage spread over several databases: every part's count, read at once, summed.
    const parts = await Promise.all(
      c.var.services
        .stageShards(stage)
        .map((part) =>
          readStageViewers(
            { ...c.var.services, ...part },
            stageId,
            nowMs,
            cadence.presenceTtlSec,
            countedWidthsSec(config, cadence),
          ),
        ),
    );
    const count = {
      viewers: parts.reduce((sum, part) => sum + part.viewers, 0),
      estimated: parts.some((part) => part.estimated),
      asOfMs: Math.min(...parts.map((part) => part.asOfMs)),
    };
    c.header("cache-control", "public, max-age=5");
    return c.json(
      {
        stageId,
        viewers: count.viewers,
        estimated: count.estimated,
        asOf: new Date(count.asOfMs).toISOString(),
      },
      200,
    );
  });

  app.openapi(getViewerTotalsRoute, async (c) => {
    const { config, nowMs, keys } = c.var.services;
    // Each database's counts by stage, summed by stage (a stage spread over several databases
    // is in each of them): one request per database at most every 2 s.
    const perDatabase = await Promise.all(
      c.var.services.shards().map(async ({ redis, isolate }) => {
        const cached = isolate.totals.get("all", nowMs);
        if (cached !== undefined) return cached;
        const stageIds = (
          await redisCall(isolate.redisGuard, () => redis.smembers(keys.stages()))
        ).map(String);
        const cadence = currentCadence(config, isolate, nowMs);
        const widths = countedWidthsSec(config, cadence);
        const calls = stageIds.map((id) =>
          liveCountCall(keys, id, nowMs, cadence.presenceTtlSec, widths),
        );
        const counts =
          calls.length === 0
            ? []
            : (
                await redisCall(isolate.redisGuard, () =>
                  execPipeline(redis, calls, isolate.scriptSha1),
                )
              ).map(decodeLiveCount);
        const byStage = new Map(stageIds.map((id, i) => [id, counts[i] ?? 0]));
        isolate.totals.set("all", byStage, nowMs);
        return byStage;
      }),
    );
    const byStage = new Map<string, number>();
    for (const counts of perDatabase) {
      for (const [id, count] of counts) byStage.set(id, (byStage.get(id) ?? 0) + count);
    }
    const totals = {
      viewers: [...byStage.values()].reduce((sum, count) => sum + count, 0),
      activeStages: [...byStage.values()].filter((count) => count > 0).length,
    };
    c.header("cache-control", "public, max-age=5");
    return c.json({ ...totals, asOf: new Date(nowMs).toISOString() }, 200);
  });
}

/**
 * The ticket, when it is this signer's, for this stage and viewer, of this epoch, and of the
 * data generation in force (when this isolate knows it yet: a fresh isolate learns it from the
 * registry check riding on this very heartbeat). Anything else is no ticket: the heartbeat looks
 * the viewer up instead. Verified tickets are remembered by the isolate. Its index is checked
 * when the heartbeat is recorded (presence/ticket-index.ts).
 */
async function validTicket(
  isolate: IsolateState,
  signer: TicketSigner,
  text: string,
  { stageId, viewerId, nowMs }: { stageId: string; viewerId: string; nowMs: number },
): Promise<PresenceTicket | undefined> {
  const cacheKey = `${stageId}|${viewerId}|${text}`;
  let ticket = isolate.verifiedTickets.get(cacheKey, nowMs);
  if (ticket === undefined) {
    ticket = await signer.verify(text, stageId, viewerId);
    if (ticket === undefined) return undefined;
    isolate.verifiedTickets.set(cacheKey, ticket, nowMs);
  }
  const generation = isolate.registry.generation;
  if (ticket.epoch !== epochAt(nowMs)) return undefined;
  if (generation !== undefined && ticket.generation !== generation) return undefined;
  return ticket;
}

/**
 * What a presence ticket is signed for: the stage, and for a spread stage's database other than
 * its home also that database (its URL), since an index names a viewer in one database only.
 */
function ticketScope(stageId: string, shard: Shard, home: Shard, config: Config): string {
  if (shard.database === home.database) return stageId;
  return `${stageId}\n${config.redisDatabases[shard.database]!.url}`;
}

/**
 * The live count of a stage spread over several databases: the count the heartbeat's own
 * database just answered, plus those this isolate last read from the others (each refreshed by
 * the heartbeats it sends there, so no request of its own). A part this isolate has no count of yet is estimated as the mean of the others, and the
 * answer says it is an estimate.
 */
function spreadCount(
  shards: Shard[],
  stageId: string,
  nowMs: number,
  /** The count this heartbeat's own database answered (whether or not it was cached). */
  own: { shard: Shard; live: number },
): { viewers: number; estimated: boolean } {
  const known = shards
    .map((part) =>
      part.database === own.shard.database
        ? own.live
        : part.isolate.counts.get(stageId, nowMs)?.live,
    )
    .filter((live) => live !== undefined);
  const sum = known.reduce((total, live) => total + live, 0);
  if (known.length === shards.length) return { viewers: sum, estimated: false };
  return {
    viewers: Math.round((sum / Math.max(1, known.length)) * shards.length),
    estimated: true,
  };
}
