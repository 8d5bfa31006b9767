/**
 * The typed client and the heartbeat loop, as a front end uses them, against the worker running
 * in `wrangler dev` (workerd) on the local stack: real HTTP all the way to Redis and DynamoDB.
 */

import { createPresenceClient, type Heartbeat, startHeartbeatLoop } from "@viewer-presence/client";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startWranglerDev } from "../stack";
import { TEST_ADMIN_KEY, testBindings, uniqueId } from "../test-env";

let worker: Awaited<ReturnType<typeof startWranglerDev>>;

beforeAll(async () => {
  worker = await startWranglerDev({
    port: 0,
    vars: testBindings(inject("stackEnv"), { REDIS_KEY_PREFIX: `${uniqueId("e2e")}:` }),
  });
}, 90_000);

afterAll(() => worker?.stop());

/** Resolves with the first value the predicate accepts, polling every 50 ms. */
async function until<T>(
  read: () => T | Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("the typed client against the running worker", () => {
  it("creates a stage and issues tokens with the admin key, typed end to end", async () => {
    const admin = createPresenceClient({ baseUrl: worker.url, adminKey: TEST_ADMIN_KEY });
    const stageId = uniqueId("e2e");
    const created = await admin.POST("/v1/stages", { body: { id: stageId, title: "E2E" } });
    expect(created.response.status).toBe(201);
    expect(created.data?.id).toBe(stageId);

    const missing = await admin.GET("/v1/stages/{stageId}", {
      params: { path: { stageId: "does-not-exist" } },
    });
    expect(missing.response.status).toBe(404);
    expect(missing.error?.type).toBe("/problems/not_found");

    const issued = await admin.POST("/v1/stages/{stageId}/viewer-tokens", {
      params: { path: { stageId } },
      body: { viewerId: "e2e-viewer" },
    });
    expect(issued.data?.viewerId).toBe("e2e-viewer");
    expect(typeof issued.data?.token).toBe("string");
  });

  it("runs heartbeat loops that count viewers live, and leave when stopped", async () => {
    const admin = createPresenceClient({ baseUrl: worker.url, adminKey: TEST_ADMIN_KEY });
    const stageId = uniqueId("e2e");
    await admin.POST("/v1/stages", { body: { id: stageId, title: "Loops" } });
    const updates: Heartbeat[] = [];
    const loops = [];
    for (let i = 0; i < 3; i++) {
      const issued = await admin.POST("/v1/stages/{stageId}/viewer-tokens", {
        params: { path: { stageId } },
        body: { viewerId: `loop-${i}` },
      });
      loops.push(
        startHeartbeatLoop({
          baseUrl: worker.url,
          stageId,
          token: issued.data!.token,
          onUpdate: (beat) => updates.push(beat),
          document: null,
          window: null,
        }),
      );
    }
    await until(
      () => updates.length,
      (count) => count >= 3,
    );
    expect(updates.length).toBeGreaterThanOrEqual(3);
    for (const beat of updates) {
      expect(beat.stageId).toBe(stageId);
      expect(beat.nextHeartbeatInMs).toBeGreaterThanOrEqual(27_000);
    }

    const viewers = createPresenceClient({ baseUrl: worker.url });
    const read = async () =>
      (await viewers.GET("/v1/stages/{stageId}/viewers", { params: { path: { stageId } } })).data
        ?.viewers;
    expect(await until(read, (count) => count === 3)).toBe(3);

    await loops[0]!.stop(); // sends leaveStage (keepalive fetch: Node has no sendBeacon)
    expect(await until(read, (count) => count === 2)).toBe(2);
    await Promise.all(loops.slice(1).map((loop) => loop.stop()));
    expect(await until(read, (count) => count === 0)).toBe(0);
  });

  it("reports a problem and stops when the stage is unknown", async () => {
    const problems: { status: number; fatal: boolean }[] = [];
    const loop = startHeartbeatLoop({
      baseUrl: worker.url,
      stageId: "no-such-stage",
      anonymous: true,
      onError: (problem) => problems.push(problem),
      document: null,
      window: null,
    });
    await until(
      () => problems.length,
      (count) => count > 0,
    );
    expect(problems[0]).toMatchObject({ status: 404, fatal: true });
    await loop.stop();
  });
});
