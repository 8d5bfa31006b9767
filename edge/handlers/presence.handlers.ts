import type { OpenAPIHono } from "@hono/zod-openapi";
import { viewerTokenSecrets } from "@viewer-presence/shared/config";
import type { HeartbeatAcceptance } from "@viewer-presence/shared/heartbeat-acceptance";
import {
  getStageViewersRoute,
  getViewerTotalsRoute,
  leaveStageRoute,
  sendHeartbeatRoute,
} from "../../openapi/routes";
import type { AppEnv } from "../env";
import { leaveStage } from "../presence/leave-stage";
import { sendHeartbeat } from "../presence/send-heartbeat";
import { stageViewers } from "../presence/stage-viewers";
import { viewerTotals } from "../presence/viewer-totals";
import { problems } from "../problems";
import { requestAudienceTag } from "./request-audience";
import { resolveViewer } from "./viewer-identity";

/** The problem a refused heartbeat answers (any reason but the anonymous one: the stage ended). */
export function refusal(stageId: string, reason: HeartbeatAcceptance) {
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
      audienceTag: requestAudienceTag(c),
    });
    if (result.kind === "rate-limited") throw problems.rateLimited(result.retryAfterSec);
    if (result.kind === "unknown-stage") throw problems.stageNotFound(stageId);
    if (result.kind === "refused") throw refusal(stageId, result.reason);
    if (result.kind === "unknown-index") {
      throw problems.validation([
        { path: "query.ticket", message: "names an index not handed out on this stage this hour" },
      ]);
    }
    const { viewers, estimated, asOfMs, nextHeartbeatInMs } = result;
    return c.json(
      {
        stageId,
        viewerId: viewer.viewerId,
        viewers,
        estimated,
        asOf: new Date(asOfMs).toISOString(),
        nextHeartbeatInMs,
        ticket: result.ticket,
      },
      200,
    );
  });

  app.openapi(leaveStageRoute, async (c) => {
    const { stageId } = c.req.valid("param");
    const { services } = c.var;
    const { config, nowMs } = services;
    const { isolate, registry } = services.shard(stageId);
    const verifier = isolate.verifierFor(viewerTokenSecrets(config));
    const viewer = await resolveViewer(c, verifier, stageId, nowMs);
    const stage = await registry.lookup(stageId);
    if (stage === undefined) throw problems.stageNotFound(stageId);
    await leaveStage(services, stage, viewer.viewerId);
    return c.body(null, 204);
  });

  app.openapi(getStageViewersRoute, async (c) => {
    const { stageId } = c.req.valid("param");
    const { services } = c.var;
    const stage = await services.shard(stageId).registry.lookup(stageId);
    if (stage === undefined) throw problems.stageNotFound(stageId);
    const count = await stageViewers(services, stage);
    c.header("cache-control", "public, max-age=5");
    const { viewers, estimated } = count;
    return c.json({ stageId, viewers, estimated, asOf: new Date(count.asOfMs).toISOString() }, 200);
  });

  app.openapi(getViewerTotalsRoute, async (c) => {
    const totals = await viewerTotals(c.var.services);
    c.header("cache-control", "public, max-age=5");
    return c.json({ ...totals, asOf: new Date(c.var.services.nowMs).toISOString() }, 200);
  });
}
