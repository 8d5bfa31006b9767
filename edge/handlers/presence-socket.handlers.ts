import type { OpenAPIHono } from "@hono/zod-openapi";
import { viewerTokenSecrets } from "@viewer-presence/shared/config";
import { openPresenceSocketRoute } from "../../openapi/routes";
import type { AppEnv } from "../env";
import { admitSocket, rememberShardCount } from "../presence/admit-socket";
import { SHARD_COUNT_HEADER, shardRequest } from "../presence/socket-shards";
import { HttpProblem, problems } from "../problems";
import type { DurableObjectNamespace } from "../worker-types";
import { clientAddressOf } from "./client-address";
import { refusal } from "./presence.handlers";
import { requestAudienceTag } from "./request-audience";
import { verifyViewerToken } from "./viewer-identity";

/**
 * `openPresenceSocket`: checks the upgrade, the token (as heartbeats do) and the stage (the one
 * acceptance rule), then hands the upgrade to the viewer's shard (edge/presence-shard.ts), with
 * what it verified in the one header the shard trusts. Every refusal is problem+json before any
 * Durable Object is touched.
 */
export function registerPresenceSocketHandlers(app: OpenAPIHono<AppEnv>) {
  app.openapi(openPresenceSocketRoute, async (c) => {
    const { stageId } = c.req.valid("param");
    const { token, watch, state } = c.req.valid("query");
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw problems.upgradeRequired();
    const namespace = c.env.PRESENCE_SHARDS as DurableObjectNamespace | undefined;
    if (namespace === undefined) {
      throw new HttpProblem(
        503,
        "misconfigured",
        "Service misconfigured",
        "No PRESENCE_SHARDS binding: presence sockets are off; send heartbeats.",
        { retryAfterSec: 60 },
      );
    }
    const { services } = c.var;
    const { config, nowMs } = services;
    let viewer: Awaited<ReturnType<typeof verifyViewerToken>> | undefined;
    if (watch !== "true") {
      if (token === undefined) {
        throw problems.unauthorized(
          "A viewer token is required as `token` in the query (or `watch=true` to watch the count without being counted).",
        );
      }
      const verifier = services.shard(stageId).isolate.verifierFor(viewerTokenSecrets(config));
      viewer = await verifyViewerToken(verifier, token, stageId, nowMs);
    }
    const outcome = await admitSocket(services, {
      stageId,
      ...(viewer === undefined ? {} : { viewer }),
      state: state ?? "playing",
      clientAddress: clientAddressOf(c),
      audienceTag: requestAudienceTag(c),
    });
    if (outcome.kind === "rate-limited") throw problems.rateLimited(outcome.retryAfterSec);
    if (outcome.kind === "unknown-stage") throw problems.stageNotFound(stageId);
    if (outcome.kind === "refused") throw refusal(stageId, outcome.reason);
    if (outcome.kind === "audit-trail") {
      throw problems.forbidden(
        `Stage "${stageId}" keeps an audit trail of every heartbeat: send heartbeats (sendHeartbeat) instead of a socket.`,
      );
    }
    const shard = namespace.get(namespace.idFromName(outcome.shardName));
    const response = await shard.fetch(shardRequest(c.req.raw, outcome.admission));
    const viewers = Number(response.headers.get(SHARD_COUNT_HEADER));
    if (Number.isInteger(viewers) && viewers >= 0) rememberShardCount(services, stageId, viewers);
    return response as never;
  });
}
