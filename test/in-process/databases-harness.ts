import { Redis } from "@upstash/redis";
import { redisKeys } from "@viewer-presence/shared/redis-keys";
import { signViewerToken } from "@viewer-presence/tokens";
import { createApp } from "../../edge/app";
import type { LocalStack } from "../stack";
import { TEST_TOKEN_SECRET, testBindings } from "../test-env";
import { T0 } from "./harness";

/**
 * The app in-process against a local stack of several databases (`startLocalStack({ databases
 * })`), with a key prefix of its own, a clock the test moves, and a direct client to each
 * database (to look at what landed where).
 */
export function severalDatabases(stack: LocalStack) {
  const env = testBindings(stack.env as unknown as Record<string, string>);
  const keys = redisKeys(env.REDIS_KEY_PREFIX!);
  const clock = { nowMs: T0 };
  const newApp = () => createApp({ now: () => clock.nowMs, logError: () => {} });
  let app = newApp();
  const urls = stack.databases.map((database) => database.proxy.url);
  const direct = stack.databases.map(
    ({ proxy }) => new Redis({ url: proxy.url, token: proxy.token, enableTelemetry: false }),
  );
  const admin = {
    authorization: `Bearer ${env.ADMIN_API_KEY}`,
    "content-type": "application/json",
  };
  const request = (path: string, init: RequestInit = {}) => app.request(path, init, env);
  const token = async (stageId: string, viewerId: string) =>
    (await signViewerToken({ secret: TEST_TOKEN_SECRET, viewerId, stageId, nowMs: clock.nowMs }))
      .token;
  return {
    env,
    keys,
    clock,
    urls,
    direct,
    admin,
    request,
    token,
    /** A stage created through the API; the response, for the test to check. */
    createStage(body: Record<string, unknown>) {
      return request("/v1/stages", { method: "POST", headers: admin, body: JSON.stringify(body) });
    },
    /** One heartbeat of `viewerId` with a fresh token, and the ticket if given. */
    async beat(stageId: string, viewerId: string, ticket?: string) {
      const query = ticket === undefined ? "" : `?ticket=${encodeURIComponent(ticket)}`;
      return request(`/v1/stages/${stageId}/heartbeats${query}`, {
        method: "POST",
        headers: { authorization: `Bearer ${await token(stageId, viewerId)}` },
      });
    },
    /** A new isolate: the app's memory (stages, counts, indexes) starts empty. */
    restartIsolate() {
      app = newApp();
    },
  };
}
