import type { OpenAPIHono } from "@hono/zod-openapi";
import { viewerTokenSecrets } from "@viewer-presence/shared/config";
import {
  isAnonymousViewerId,
  randomAnonymousViewerId,
  signViewerToken,
  ViewerTokenError,
} from "@viewer-presence/tokens";
import { startAnonymousSessionRoute } from "../../openapi/routes";
import type { AppEnv } from "../env";
import {
  ANONYMOUS_RENEWAL_GRACE_MS,
  ANONYMOUS_SESSION_TTL_SEC,
  anonymousSessionGate,
} from "../presence/anonymous-sessions";
import { problems } from "../problems";
import { readViewerBody } from "./viewer-identity";

export function registerAnonymousSessionHandlers(app: OpenAPIHono<AppEnv>) {
  app.openapi(startAnonymousSessionRoute, async (c) => {
    const { stageId } = c.req.valid("param");
    const { config, nowMs } = c.var.services;
    const { isolate, registry } = c.var.services.shard(stageId);
    const body = await readViewerBody(c);
    const stage = await registry.lookup(stageId);
    if (stage === undefined) throw problems.stageNotFound(stageId);
    if (stage.status !== "live") throw problems.stageEnded(stageId);
    if (!stage.allowAnonymous) {
      throw problems.forbidden(`Stage "${stageId}" does not allow anonymous viewers.`);
    }
    let viewerId = randomAnonymousViewerId();
    if (body.token !== undefined) {
      const verify = isolate.verifierFor(viewerTokenSecrets(config));
      try {
        const claims = await verify(body.token, {
          stageId,
          nowMs,
          expiredGraceMs: ANONYMOUS_RENEWAL_GRACE_MS,
        });
        viewerId = claims.viewerId;
      } catch (error) {
        if (!(error instanceof ViewerTokenError)) throw error;
        throw problems.unauthorized(`The session's token is not accepted: ${error.message}.`);
      }
      if (!isAnonymousViewerId(viewerId)) {
        throw problems.forbidden("Only an anonymous session's token can be renewed here.");
      }
    }
    // Cloudflare sets CF-Connecting-IP (clients cannot); locally every caller is one client.
    const client = c.req.header("cf-connecting-ip") ?? "local";
    const gate = anonymousSessionGate(c.env.ANONYMOUS_SESSIONS, isolate.sessionLimiter);
    if (!(await gate(client, nowMs))) throw problems.rateLimited(60);
    const { token, expiresAt } = await signViewerToken({
      secret: config.viewerTokenSecret,
      viewerId,
      stageId,
      ttlSec: ANONYMOUS_SESSION_TTL_SEC,
      nowMs,
    });
    return c.json(
      { token, viewerId, stageId, expiresAt: new Date(expiresAt * 1000).toISOString() },
      201,
    );
  });
}
