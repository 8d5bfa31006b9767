import type { OpenAPIHono } from "@hono/zod-openapi";
import {
  getStageViewersRoute,
  getViewerTotalsRoute,
  leaveStageRoute,
  sendHeartbeatRoute,
} from "../../openapi/routes";
import type { Stage } from "../../shared/stage";
import { requireAdmin } from "../admin-auth";
import type { AppEnv } from "../env";
import { currentCadence, intervalIsStale, rememberInterval } from "../presence/cadence";
import { recordHeartbeat } from "../presence/heartbeat";
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
    const { state } = c.req.valid("query");
    const { config, nowMs, redis, keys, isolate, registry } = c.var.services;
    const viewer = await resolveViewer(
      c,
      isolate.verifierFor(config.viewerTokenSecret),
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
    const input = {
      stageId,
      ...viewer,
      credited: state === undefined || state === "playing",
      nowMs,
      ...cadence,
      ...(intervalIsStale(config, isolate, nowMs) ? { intervalKey: keys.heartbeatInterval() } : {}),
    };
    let outcome = await recordHeartbeat({ redis, keys, isolate }, input);
    if (outcome.kind === "unknown-stage" && !outcome.registryComplete) {
      // Redis lost its data (or this deployment is new): rebuild the registry, then try again.
      await registry.restore();
      outcome = await recordHeartbeat({ redis, keys, isolate }, input);
    } else if (outcome.kind !== "unknown-stage" && outcome.registryLost) {
      // Noticed by the registry check: this heartbeat is recorded; rebuild the registry now.
      await registry.restore();
    }
    if (outcome.kind === "unknown-stage") throw problems.stageNotFound(stageId);
    if (outcome.kind === "refused") throw refusal(outcome.stage, viewer.anonymous);
    if (outcome.intervalJson !== undefined) {
      rememberInterval(isolate, outcome.intervalJson, config.heartbeatIntervalSec, nowMs);
    }
    const count = await countToAnswer(
      c.var.services,
      stageId,
      outcome.count,
      nowMs,
      cadence.presenceTtlSec,
    );
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
      },
      200,
    );
  });

  app.openapi(leaveStageRoute, async (c) => {
    const { stageId } = c.req.valid("param");
    const { config, nowMs, redis, keys, isolate, registry } = c.var.services;
    const viewer = await resolveViewer(
      c,
      isolate.verifierFor(config.viewerTokenSecret),
      stageId,
      nowMs,
    );
    const stage = await registry.lookup(stageId);
    if (stage === undefined) throw problems.stageNotFound(stageId);
    await redisCall(() => redis.zrem(keys.presence(stageId), viewer.viewerId));
    isolate.counts.delete(stageId);
    return c.body(null, 204);
  });

  app.openapi(getStageViewersRoute, async (c) => {
    const { stageId } = c.req.valid("param");
    const { config, nowMs, isolate, registry } = c.var.services;
    const stage = await registry.lookup(stageId);
    if (stage === undefined) throw problems.stageNotFound(stageId);
    const count = await readStageViewers(
      c.var.services,
      stageId,
      nowMs,
      currentCadence(config, isolate, nowMs).presenceTtlSec,
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
    const { config, nowMs, redis, keys, isolate } = c.var.services;
    if (!config.publicViewerTotals) requireAdmin(c, config.adminApiKey);
    let totals = isolate.totals.get("all", nowMs);
    if (totals === undefined) {
      const stageIds = await redisCall(() => redis.smembers(keys.stages()));
      const pipeline = redis.pipeline();
      const fromMs = nowMs - currentCadence(config, isolate, nowMs).presenceTtlSec * 1000;
      for (const id of stageIds) pipeline.zcount(keys.presence(id), fromMs, "+inf");
      const counts = stageIds.length === 0 ? [] : await redisCall(() => pipeline.exec<number[]>());
      totals = {
        viewers: counts.reduce((sum, count) => sum + count, 0),
        activeStages: counts.filter((count) => count > 0).length,
      };
      isolate.totals.set("all", totals, nowMs);
    }
    c.header("cache-control", "public, max-age=5");
    return c.json({ ...totals, asOf: new Date(nowMs).toISOString() }, 200);
  });
}
