/**
 * The Worker entry inside workerd, the real Workers runtime, reaching the local Redis through
 * the Upstash REST protocol and the local DynamoDB-API server over real HTTP.
 */
import {
  createExecutionContext,
  createScheduledController,
  waitOnExecutionContext,
} from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import worker from "../../edge/index";

const ADMIN_KEY = "workers-admin-key-0123456789";

function bindings() {
  return {
    ...inject("stackEnv"),
    ADMIN_API_KEY: ADMIN_KEY,
    VIEWER_TOKEN_SECRET: "workers-viewer-token-secret-0123456789ab",
    REDIS_KEY_PREFIX: `w${crypto.randomUUID().slice(0, 8)}:`,
  };
}

async function call(env: Record<string, unknown>, path: string, init: RequestInit = {}) {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`http://worker.test${path}`, init), env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

async function proxyStats(env: { UPSTASH_REDIS_REST_URL: string }) {
  const response = await fetch(`${env.UPSTASH_REDIS_REST_URL}/__stats`);
  return (await response.json()) as { requests: number; commands: number };
}

describe("the worker in workerd", () => {
  it("creates a stage, issues a token and counts a heartbeat through Upstash REST", async () => {
    const env = bindings();
    const admin = { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" };
    const stageId = `wk${crypto.randomUUID().slice(0, 8)}`;
    const created = await call(env, "/v1/stages", {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ id: stageId, title: "In workerd" }),
    });
    expect(created.status).toBe(201);
    const issued = await call(env, `/v1/stages/${stageId}/viewer-tokens`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ viewerId: "viewer-1" }),
    });
    expect(issued.status).toBe(201);
    const { token } = (await issued.json()) as { token: string };

    const before = await proxyStats(env);
    const heartbeat = await call(env, `/v1/stages/${stageId}/heartbeats`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    const after = await proxyStats(env);
    expect(heartbeat.status).toBe(200);
    expect(await heartbeat.json()).toMatchObject({ stageId, viewerId: "viewer-1", viewers: 1 });
    expect(after.requests - before.requests).toBe(1);

    const viewers = await call(env, `/v1/stages/${stageId}/viewers`);
    expect(await viewers.json()).toMatchObject({ stageId, viewers: 1, estimated: false });
  });

  it("answers problem+json 503 with Retry-After when Upstash cannot be reached", async () => {
    const env = { ...bindings(), UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9" };
    const response = await call(env, "/health");
    expect(response.status).toBe(503);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.headers.get("retry-after")).toBe("5");
  });

  it("runs the scheduled handler under waitUntil", async () => {
    const ctx = createExecutionContext();
    const controller = createScheduledController({ cron: "*/5 * * * *" });
    await expect(
      Promise.resolve(worker.scheduled(controller, bindings(), ctx)).then(() =>
        waitOnExecutionContext(ctx),
      ),
    ).resolves.toBeUndefined();
  });
});
