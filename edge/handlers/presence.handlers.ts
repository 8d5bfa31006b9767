import type { OpenAPIHono } from "@hono/zod-openapi";
import {
  getStageViewersRoute,
  getViewerTotalsRoute,
  leaveStageRoute,
  sendHeartbeatRoute,
} from "../../openapi/routes";
import { audienceTag, countryOf, deviceClass } from "../../shared/audience";
import { countedWidthsSec } from "../../shared/cadence";
import { viewerTokenSecrets } from "../../shared/config";
import { liveCountCall } from "../../shared/live-count";
import { execPipeline } from "../../shared/pipeline-scripts";
import type { TicketSigner } from "../../shared/presence-ticket";
import { epochAt, presenceSlots } from "../../shared/slot-bitmaps";
import type { Stage } from "../../shared/stage";
import type { AppEnv } from "../env";
import { type IsolateState, viewerIndexKey } from "../isolate-state";
import { currentCadence, intervalIsStale, rememberInterval } from "../presence/cadence";
import { recordHeartbeat } from "../presence/heartbeat";
import { LEAVE_SCRIPT } from "../presence/heartbeat-script";
import { nextHeartbeatInMs } from "../presence/next-heartbeat";
import { countToAnswer } from "../presence/restore-estimates";
import { readStageViewers } from "../presence/stage-viewers";
import { resolveViewer } from "../presence/viewer-identity";
import { problems } from "../problems";
import { redisCall } from "../redis-client";

function refusal(stage: Stage, anonymous: boolean) {
  if (stage.status !== "live") return problems.stageEnded(stage.id);
  if (anonymous) {
    return problems.forbidden(
      `Stage "${stage.id}" does not allow anonymous viewers; send a viewer token.`,
    );
  }
  return problems.stageEnded(stage.id);
}

export function registerPresenceHandlers(app: OpenAPIHono<AppEnv>) {
  app.openapi(sendHeartbeatRoute, async (c) => {
    const { stageId } = c.req.valid("param");
    const { state, ticket } = c.req.valid("query");
    const { config, nowMs, keys } = c.var.services;
    const shard = c.var.services.shard(stageId);
    const { redis, isolate, registry } = shard;
    const viewer = await resolveViewer(
      c,
      isolate.verifierFor(viewerTokenSecrets(config)),
      stageId,
      nowMs,
    );
    const cadence = currentCadence(config, isolate, nowMs);
    const retryAfterSec = isolate.heartbeatLimiter.hit(
      `${stageId}|${viewer.viewerId}`,
      nowMs,
      cadence.intervalSec * 1000,
    );
    if (retryAfterSec > 0) throw problems.rateLimited(retryAfterSec);
    const epoch = epochAt(nowMs);
    const signer = isolate.ticketSignerFor(config.viewerTokenSecret);
    const ticketIndex =
      ticket === undefined
        ? undefined
        : await ticketIndexFor(isolate, signer, ticket, {
            stageId,
            viewerId: viewer.viewerId,
            nowMs,
          });
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
      audienceTag: () =>
        audienceTag({
          country: countryOf(
            (c.req.raw as { cf?: { country?: unknown } }).cf?.country,
            c.req.header("cf-ipcountry"),
          ),
          device: deviceClass(c.req.header("user-agent"), c.req.header("sec-ch-ua-mobile")),
        }),
      ...(index === undefined ? {} : { index }),
      ...(intervalIsStale(config, isolate, nowMs) ? { intervalKey: keys.heartbeatInterval() } : {}),
    };
    let outcome = await recordHeartbeat({ redis, keys, isolate }, input);
    // Whether the client's ticket is still the one to answer (not after a data loss).
    let ticketHolds = ticketIndex !== undefined;
    if (outcome.kind === "unknown-stage" && !outcome.registryComplete) {
      // Redis lost its data (or this deployment is new): rebuild the registry, then try again.
      await registry.restore();
      ticketHolds = false;
      const { index: _stale, ...lookedUp } = input;
      outcome = await recordHeartbeat({ redis, keys, isolate }, lookedUp);
    } else if (outcome.kind !== "unknown-stage" && outcome.registryLost) {
      // Noticed by the registry check: this heartbeat is recorded; rebuild the registry now.
      await registry.restore();
      ticketHolds = false;
      // Its index came from before the loss: it names no one now. Look the viewer up in the
      // new generation, so the ticket answered is good (a stale bit set meanwhile: see
      // docs/redis-layout.md).
      if (input.index !== undefined) {
        const { index: _stale, ...lookedUp } = input;
        outcome = await recordHeartbeat({ redis, keys, isolate }, lookedUp);
      }
    }
    if (outcome.kind === "unknown-stage") throw problems.stageNotFound(stageId);
    if (outcome.kind === "refused") throw refusal(outcome.stage, viewer.anonymous);
    if (outcome.intervalJson !== undefined) {
      rememberInterval(isolate, outcome.intervalJson, config.heartbeatIntervalSec, nowMs);
    }
    const count = await countToAnswer(
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
        : await signer.sign(stageId, viewer.viewerId, {
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
    const { redis, isolate, registry } = c.var.services.shard(stageId);
    const viewer = await resolveViewer(
      c,
      isolate.verifierFor(viewerTokenSecrets(config)),
      stageId,
      nowMs,
    );
    const stage = await registry.lookup(stageId);
    if (stage === undefined) throw problems.stageNotFound(stageId);
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
    const [counted] = await redisCall(() => execPipeline(redis, [leave], isolate.scriptSha1));
    // The count this isolate answers drops by one now; Redis' own is read again within 10 s.
    const cached = isolate.counts.getWithAge(stageId, nowMs);
    if (Number(counted) === 1 && cached !== undefined) {
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
    const count = await readStageViewers(
      { ...c.var.services, ...shard },
      stageId,
      nowMs,
      cadence.presenceTtlSec,
      countedWidthsSec(config, cadence),
    );
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
    // Each database's totals (its stages), summed: one request per database at most every 2 s.
    const perDatabase = await Promise.all(
      c.var.services.shards().map(async ({ redis, isolate }) => {
        const cached = isolate.totals.get("all", nowMs);
        if (cached !== undefined) return cached;
        const stageIds = await redisCall(() => redis.smembers(keys.stages()));
        const cadence = currentCadence(config, isolate, nowMs);
        const widths = countedWidthsSec(config, cadence);
        const calls = stageIds.map((id) =>
          liveCountCall(keys, id, nowMs, cadence.presenceTtlSec, widths),
        );
        const counts =
          calls.length === 0
            ? []
            : (await redisCall(() => execPipeline(redis, calls, isolate.scriptSha1))).map(Number);
        const totals = {
          viewers: counts.reduce((sum, count) => sum + count, 0),
          activeStages: counts.filter((count) => count > 0).length,
        };
        isolate.totals.set("all", totals, nowMs);
        return totals;
      }),
    );
    const totals = {
      viewers: perDatabase.reduce((sum, t) => sum + t.viewers, 0),
      activeStages: perDatabase.reduce((sum, t) => sum + t.activeStages, 0),
    };
    c.header("cache-control", "public, max-age=5");
    return c.json({ ...totals, asOf: new Date(nowMs).toISOString() }, 200);
  });
}

/**
 * The index a ticket names, when it is this signer's, for this stage and viewer, of this epoch,
 * and of the data generation in force (when this isolate knows it yet: a fresh isolate learns it
 * from the registry check riding on this very heartbeat). Anything else is no ticket: the
 * heartbeat looks the viewer up instead. Verified tickets are remembered by the isolate.
 */
async function ticketIndexFor(
  isolate: IsolateState,
  signer: TicketSigner,
  text: string,
  { stageId, viewerId, nowMs }: { stageId: string; viewerId: string; nowMs: number },
): Promise<number | undefined> {
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
  return ticket.index;
}
