import type { OpenAPIHono } from "@hono/zod-openapi";
import { API_VERSION } from "../../openapi/document";
import { getHealthRoute } from "../../openapi/routes";
import type { AppEnv } from "../env";
import { redisCall } from "../redis-client";

export function registerHealthHandlers(app: OpenAPIHono<AppEnv>) {
  app.openapi(getHealthRoute, async (c) => {
    // Every database answers, or the service is not healthy.
    await Promise.all(
      c.var.services
        .shards()
        .map(({ redis, isolate }) => redisCall(isolate.redisGuard, () => redis.ping())),
    );
    c.header("cache-control", "no-store");
    return c.json({ status: "ok" as const, version: API_VERSION }, 200);
  });
}
