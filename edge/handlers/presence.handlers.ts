import type { OpenAPIHono } from "@hono/zod-openapi";
import { audienceTag, countryOf, deviceClass } from "@viewer-presence/shared/audience";
import { viewerTokenSecrets } from "@viewer-presence/shared/config";
import type { HeartbeatAcceptance } from "@viewer-presence/shared/heartbeat-acceptance";
import { countedWidthsSec } from "@viewer-presence/shared/heartbeat-cadence";
import { decodeLiveCount, liveCountCall } from "@viewer-presence/shared/live-count";
import { execPipeline } from "@viewer-presence/shared/pipeline-scripts";
import { presenceSlots } from "@viewer-presence/shared/slot-bitmaps";
import {
  getStageViewersRoute,
  getViewerTotalsRoute,
  leaveStageRoute,
  sendHeartbeatRoute,
} from "../../openapi/routes";
import type { AppEnv } from "../env";
import { currentCadence } from "../presence/cadence";
import { decodeLeaveReply, LEAVE_SCRIPT } from "../presence/heartbeat-script";
import { sendHeartbeat } from "../presence/send-heartbeat";
import { readStageViewers } from "../presence/stage-viewers";
import { problems } from "../problems";
import { redisCall } from "../redis-client";
import { resolveViewer } from "./viewer-identity";

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
    const { services } = c.var;
    const { config, nowMs } = services;
    const home = services.shard(stageId);
    const verifier = home.isolate.verifierFor(viewerTokenSecrets(config));
    const viewer = await resolveViewer(c, verifier, stageId, nowMs);
    const result = await sendHeartbeat(services, {
      stageId,
      viewer,
      playing: state === undefined || state === "playing",
      ticket,
      audienceTag: () =>
        audienceTag({
          country: countryOf(
            (c.req.raw as { cf?: { country?: unknown } }).cf?.country,
            c.req.header("cf-ipcountry"),
          ),
          device: deviceClass(c.req.header("user-agent"), c.req.header("sec-ch-ua-mobile")),
        }),
    });
    if (result.kind === "rate-limited") throw problems.rateLimited(result.retryAfterSec);
    if (result.kind === "unknown-stage") throw problems.stageNotFound(stageId);
    if (result.kind === "refused") throw refusal(stageId, result.reason);
    if (result.kind === "unknown-index") {
      throw problems.validation([
        { path: "query.ticket", message: "names an index not handed out on this stage this hour" },
      ]);
    }
    const { viewers, estimated, nextHeartbeatInMs } = result;
    return c.json(
      {
        stageId,
        viewerId: viewer.viewerId,
        viewers,
        estimated,
        nextHeartbeatInMs,
        ticket: result.ticket,
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
