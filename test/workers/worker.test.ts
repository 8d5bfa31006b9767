/**
 * The Worker entry inside workerd, the real Workers runtime, reaching the local Redis through
 * the Upstash REST protocol and the local DynamoDB-API server over real HTTP.
 */
import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  env as declaredBindings,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { Redis } from "@upstash/redis";
import { redisKeys } from "@viewer-presence/shared/redis-keys";
import { windowIndex, windowStartMs } from "@viewer-presence/shared/windows";
import { describe, expect, inject, it } from "vitest";
import worker from "../../edge/index";
import { recordHeartbeat } from "../recorded-heartbeat";

const ADMIN_KEY = "workers-admin-key-0123456789";

function bindings() {
  return {
    ...inject("stackEnv"),
    ADMIN_API_KEY: ADMIN_KEY,
    VIEWER_TOKEN_SECRET: "workers-viewer-token-secret-0123456789ab",
    REDIS_KEY_PREFIX: `w${crypto.randomUUID().slice(0, 8)}:`,
  };
}

const ADMIN_HEADERS = {
  authorization: `Bearer ${ADMIN_KEY}`,
  "content-type": "application/json",
};

async function call(env: Record<string, unknown>, path: string, init: RequestInit = {}) {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`http://worker.test${path}`, init), env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** Creates a stage through the worker, its id `label` and a random tail; returns the id. */
async function createStage(
  env: Record<string, unknown>,
  label: string,
  body: { title: string; allowAnonymous?: boolean },
): Promise<string> {
  const stageId = `${label}${crypto.randomUUID().slice(0, 8)}`;
  const created = await call(env, "/v1/stages", {
    method: "POST",
    headers: ADMIN_HEADERS,
    body: JSON.stringify({ id: stageId, ...body }),
  });
  expect(created.status).toBe(201);
  return stageId;
}

/** Whether the sync job marked a window synced (`bsy`). */
async function windowSynced(redis: Redis, prefix: string, stageId: string, window: number) {
  return (await redis.sismember(redisKeys(prefix).syncedWindows(), `${stageId}:${window}`)) === 1;
}

async function proxyStats(env: { UPSTASH_REDIS_REST_URL: string }) {
  const response = await fetch(`${env.UPSTASH_REDIS_REST_URL}/__stats`);
  return (await response.json()) as { requests: number; commands: number };
}

describe("the worker in workerd", () => {
  it("creates a stage, issues a token and counts a heartbeat through Upstash REST", async () => {
    const env = bindings();
    const stageId = await createStage(env, "wk", { title: "In workerd" });
    const issued = await call(env, `/v1/stages/${stageId}/viewer-tokens`, {
      method: "POST",
      headers: ADMIN_HEADERS,
      body: JSON.stringify({ viewerId: "viewer-1" }),
    });
    expect(issued.status).toBe(201);
    const { token } = (await issued.json()) as { token: string };

    // The first heartbeat on a new database also loads the scripts (EVALSHA, then EVAL once).
    const first = await call(env, `/v1/stages/${stageId}/heartbeats`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(first.status).toBe(200);
    const { ticket } = (await first.json()) as { ticket: string };
    const before = await proxyStats(env);
    const heartbeat = await call(env, `/v1/stages/${stageId}/heartbeats?ticket=${ticket}`, {
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

  it("limits anonymous sessions per client address with the Rate Limiting binding", async () => {
    const limiter = declaredBindings.ANONYMOUS_SESSIONS as {
      limit(options: { key: string }): Promise<{ success: boolean }>;
    };
    expect(typeof limiter?.limit).toBe("function"); // wrangler.toml's [[ratelimits]]
    const env = { ...bindings(), ANONYMOUS_SESSIONS: limiter };
    const stageId = await createStage(env, "wk", { title: "Open", allowAnonymous: true });
    const ip = `198.51.100.${Math.floor(Math.random() * 250)}`;
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const response = await call(env, `/v1/stages/${stageId}/anonymous-sessions`, {
        method: "POST",
        headers: { "cf-connecting-ip": ip },
      });
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 10).every((status) => status === 201)).toBe(true);
    expect(statuses[10]).toBe(429);
    const other = await call(env, `/v1/stages/${stageId}/anonymous-sessions`, {
      method: "POST",
      headers: { "cf-connecting-ip": "192.0.2.99" },
    });
    expect(other.status).toBe(201);
  });

  it("answers problem+json 503 with Retry-After when Upstash cannot be reached", async () => {
    const env = { ...bindings(), UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9" };
    const response = await call(env, "/health");
    expect(response.status).toBe(503);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.headers.get("retry-after")).toBe("5");
  });

  it("runs the sync job from scheduled(), and the history routes read what it wrote", async () => {
    const env = bindings();
    const stageId = await createStage(env, "wk", { title: "Synced in workerd" });
    // Two viewers watched a window that closed ten minutes ago (written as the edge writes it).
    const window = windowIndex(Date.now()) - 2;
    const startMs = windowStartMs(window);
    const redis = new Redis({
      url: env.UPSTASH_REDIS_REST_URL,
      token: env.UPSTASH_REDIS_REST_TOKEN,
    });
    const keys = redisKeys(env.REDIS_KEY_PREFIX);
    for (const [viewerId, offsetSec] of [
      ["alice", 0],
      ["alice", 30],
      ["bob", 240],
    ] as const) {
      await recordHeartbeat(redis, keys, { stageId, viewerId, atMs: startMs + offsetSec * 1000 });
    }

    const ctx = createExecutionContext();
    worker.scheduled(createScheduledController({ cron: "1-59/5 * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await windowSynced(redis, env.REDIS_KEY_PREFIX, stageId, window)).toBe(true);

    const windowStart = new Date(startMs).toISOString();
    const range = `from=${encodeURIComponent(windowStart)}`;
    const snapshots = await call(env, `/v1/stages/${stageId}/snapshots?${range}`, {
      headers: ADMIN_HEADERS,
    });
    expect(snapshots.status).toBe(200);
    expect(await snapshots.json()).toMatchObject({
      items: [{ stageId, windowStart, uniqueViewers: 2, watchSeconds: 90 }],
      nextCursor: null,
    });
    const records = await call(env, `/v1/stages/${stageId}/viewing-records?${range}`, {
      headers: ADMIN_HEADERS,
    });
    expect(await records.json()).toMatchObject({
      items: [
        { stageId, viewerId: "alice", windowStart, seconds: 60 },
        { stageId, viewerId: "bob", windowStart, seconds: 30 },
      ],
      nextCursor: null,
    });
  });

  it("fans the sync out on the queue: the cron sends one message per database, queue() syncs it", async () => {
    const env = bindings();
    expect(typeof (declaredBindings.SYNC_QUEUE as { sendBatch?: unknown })?.sendBatch).toBe(
      "function",
    ); // wrangler.toml's [[queues.producers]]
    const sent: unknown[] = [];
    const queue = {
      sendBatch: async (messages: { body: unknown }[]) => {
        sent.push(...messages.map((message) => message.body));
      },
    };
    const cron = createExecutionContext();
    worker.scheduled(
      createScheduledController({ cron: "1-59/5 * * * *" }),
      { ...env, SYNC_QUEUE: queue },
      cron,
    );
    await waitOnExecutionContext(cron);
    expect(sent).toEqual([{ database: 0, scheduledAtMs: expect.any(Number) }]);

    // A window that closed ten minutes ago, as the edge writes it, then the queue's message.
    const stageId = await createStage(env, "wq", { title: "Synced from the queue" });
    const window = windowIndex(Date.now()) - 2;
    const redis = new Redis({
      url: env.UPSTASH_REDIS_REST_URL,
      token: env.UPSTASH_REDIS_REST_TOKEN,
    });
    await recordHeartbeat(redis, redisKeys(env.REDIS_KEY_PREFIX), {
      stageId,
      viewerId: "carol",
      atMs: windowStartMs(window),
    });
    const batch = createMessageBatch("viewer-presence-sync", [
      { id: "m1", timestamp: new Date(), attempts: 1, body: sent[0] },
      { id: "m2", timestamp: new Date(), attempts: 1, body: { database: 7 } }, // not ours: dropped
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["m1", "m2"]);
    expect(await windowSynced(redis, env.REDIS_KEY_PREFIX, stageId, window)).toBe(true);
    const snapshots = await call(env, `/v1/stages/${stageId}/snapshots`, {
      headers: ADMIN_HEADERS,
    });
    expect(await snapshots.json()).toMatchObject({ items: [{ stageId, uniqueViewers: 1 }] });
  });
});
