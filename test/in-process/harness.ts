import { Redis } from "@upstash/redis";
import { createDocumentClient, createRedis } from "@viewer-presence/shared/clients";
import { parseConfig } from "@viewer-presence/shared/config";
import { SYNC_CALL_DEADLINES } from "@viewer-presence/shared/deadlines";
import { redisKeys } from "@viewer-presence/shared/redis-keys";
import type { Slot } from "@viewer-presence/shared/windows";
import { signViewerToken } from "@viewer-presence/tokens";
import { inject } from "vitest";
import { type AppOptions, createApp } from "../../edge/app";
import { runSync } from "../../sync/run-sync";
import { adminHeaders, TEST_TOKEN_SECRET, testBindings, uniqueId } from "../test-env";
import { readWatchedSlots } from "../watched-slots";

/** Epoch ms the tests' clock starts at: 10 s into a 5-minute window, so windows are predictable. */
export const T0 = Date.UTC(2026, 10, 27, 12, 0, 10);

/**
 * The app in-process (`app.request`) against the real local Redis (through the Upstash REST
 * endpoint) and DynamoDB, with a clock the test moves and its own key prefix.
 */
export function createHarness(
  options: { bindings?: Record<string, string>; app?: AppOptions } = {},
) {
  const stackEnv = inject("stackEnv") as unknown as Record<string, string>;
  const env = testBindings(stackEnv, options.bindings);
  const clock = { nowMs: T0 };
  const app = createApp({
    now: () => clock.nowMs,
    logError: (m, e) => {
      if (process.env.DEBUG_APP) console.error(m, e);
    },
    ...options.app,
  });
  const redis = new Redis({
    url: env.UPSTASH_REDIS_REST_URL!,
    token: env.UPSTASH_REDIS_REST_TOKEN!,
    enableTelemetry: false,
  });
  const keys = redisKeys(env.REDIS_KEY_PREFIX!);

  const request = (path: string, init: RequestInit = {}) => app.request(path, init, env);
  /** POST /v1/stages as the admin with `body`; the response as it came. */
  const postStage = (body: object) =>
    request("/v1/stages", { method: "POST", headers: adminHeaders, body: JSON.stringify(body) });

  return {
    app,
    env,
    clock,
    redis,
    keys,
    request,
    advance(ms: number) {
      clock.nowMs += ms;
    },
    postStage,
    /** PATCH /v1/stages/{stageId} as the admin with `body`; the response as it came. */
    patchStage(stageId: string, body: object) {
      return request(`/v1/stages/${stageId}`, {
        method: "PATCH",
        headers: adminHeaders,
        body: JSON.stringify(body),
      });
    },
    /** Creates a stage (a new id and a title unless `body` gives them); returns its id. */
    async createStage(body: Record<string, unknown> = {}) {
      const id = (body.id as string | undefined) ?? uniqueId("s");
      const response = await postStage({ id, title: `Stage ${id}`, ...body });
      if (response.status !== 201)
        throw new Error(`createStage: ${response.status} ${await response.text()}`);
      return id;
    },
    async token(viewerId: string, stageId: string, ttlSec = 3600) {
      const { token } = await signViewerToken({
        secret: TEST_TOKEN_SECRET,
        viewerId,
        stageId,
        ttlSec,
        nowMs: clock.nowMs,
      });
      return token;
    },
    heartbeat(stageId: string, token: string, query = "") {
      return request(`/v1/stages/${stageId}/heartbeats${query}`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
      });
    },
    leave(stageId: string, token: string) {
      return request(`/v1/stages/${stageId}/leave`, {
        method: "POST",
        headers: { "content-type": "text/plain;charset=UTF-8" },
        body: JSON.stringify({ token }),
      });
    },
    /** One sync run on the harness's clock and key prefix, with the job's own clients. */
    sync() {
      const config = parseConfig(env);
      return runSync({
        redis: createRedis(config, SYNC_CALL_DEADLINES.redis),
        db: createDocumentClient(config, SYNC_CALL_DEADLINES.dynamo),
        config,
        now: () => clock.nowMs,
        log: () => {},
      });
    },
    /** The slots a viewer's watched bits mark in a window's bitmaps (shared/slot-bitmaps.ts). */
    async watchedSlots(stageId: string, window: number, viewerId: string): Promise<Slot[]> {
      return readWatchedSlots(redis, keys, stageId, window, viewerId);
    },
    async viewers(stageId: string): Promise<number> {
      const response = await request(`/v1/stages/${stageId}/viewers`);
      if (response.status !== 200)
        throw new Error(`viewers: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { viewers: number }).viewers;
    },
  };
}

export type Harness = ReturnType<typeof createHarness>;

/** Redis loses every key of the harness's deployment (its prefix), as a FLUSHALL would. */
export async function loseRedisData(h: Harness): Promise<void> {
  const keys = await h.redis.keys(`${h.env.REDIS_KEY_PREFIX}*`);
  if (keys.length > 0) await h.redis.del(...keys);
}

/** One heartbeat (no ticket) through the harness: its status and parsed body. */
export async function heartbeatAnswer(h: Harness, stageId: string, token: string) {
  const response = await h.heartbeat(stageId, token);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Asserts the shape every error shares and returns the parsed problem. */
export async function readProblem(response: Response) {
  const contentType = response.headers.get("content-type");
  if (contentType !== "application/problem+json") {
    throw new Error(
      `expected application/problem+json, got ${contentType}: ${await response.text()}`,
    );
  }
  const problem = (await response.json()) as {
    type: string;
    title: string;
    status: number;
    detail?: string;
    errors?: { path: string; message: string }[];
  };
  if (problem.status !== response.status)
    throw new Error("problem.status differs from the HTTP status");
  return problem;
}
