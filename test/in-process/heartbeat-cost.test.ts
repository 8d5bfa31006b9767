/**
 * What a heartbeat costs at Upstash, counted by the local Upstash-compatible endpoint on its own
 * redis-server (so no other test's commands are counted). Counts, not timings: they are exact.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../../edge/app";
import { signViewerToken } from "../../shared/viewer-token";
import { type LocalStack, startLocalStack } from "../stack";
import { TEST_TOKEN_SECRET, testBindings, uniqueId } from "../test-env";
import { T0 } from "./harness";

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack();
});
afterAll(() => stack.stop());

async function setup() {
  const env = testBindings(stack.env as unknown as Record<string, string>);
  const clock = { nowMs: T0 };
  const stageId = uniqueId("cost");
  const app = createApp({ now: () => clock.nowMs, logError: () => {} });
  const created = await app.request(
    "/v1/stages",
    {
      method: "POST",
      headers: { authorization: `Bearer ${env.ADMIN_API_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ id: stageId, title: "Cost" }),
    },
    env,
  );
  expect(created.status).toBe(201);
  /** One heartbeat of `viewerId`, through `through` (default this app), `query` e.g. "?state=paused". */
  const beat = async (viewerId: string, options: { through?: App; query?: string } = {}) => {
    const { token } = await signViewerToken({
      secret: TEST_TOKEN_SECRET,
      viewerId,
      stageId,
      nowMs: clock.nowMs,
    });
    const response = await (options.through ?? app).request(
      `/v1/stages/${stageId}/heartbeats${options.query ?? ""}`,
      { method: "POST", headers: { authorization: `Bearer ${token}` } },
      env,
    );
    expect(response.status).toBe(200);
  };
  // The first registry check of a new deployment finds no marker and rebuilds the registry from
  // DynamoDB (as after a data loss); the second beat runs the checking script. Counts read
  // restore estimates for one presence TTL after that; settled once it has passed.
  await beat("warm-up");
  await beat("warm-up");
  clock.nowMs += 130_000;
  await beat("warm-up");
  return { app, env, clock, beat, stageId };
}

describe("heartbeat cost", () => {
  it("is one request of 2 commands once the isolate knows the stage and the count", async () => {
    const { clock, beat } = await setup();
    stack.proxy.resetStats();
    for (let i = 0; i < 20; i++) {
      await beat(`viewer-${i}`);
      clock.nowMs += 400; // 8 s in all: within the 10 s count cache and registry check
    }
    const stats = stack.proxy.stats();
    expect(stats.requests).toBe(20);
    expect(stats.commands).toBe(40);
  });

  it("adds ZCOUNT and the registry check (MGET) once per 10 s, and EXPIREs once per window", async () => {
    const { clock, beat } = await setup();
    clock.nowMs += 10_000; // the count and the registry check are due: next beat reads both
    stack.proxy.resetStats();
    await beat("a"); // ZADD, ZADD, MGET m v rs, ZCOUNT
    await beat("b"); // ZADD, ZADD
    expect(stack.proxy.stats()).toMatchObject({ requests: 2, commands: 6 });
    clock.nowMs += 300_000; // the next window: its keys get their expiry once
    stack.proxy.resetStats();
    await beat("a"); // ZADD, ZADD, EXPIRE, EXPIRE, MGET, ZCOUNT
    await beat("b"); // ZADD, ZADD
    expect(stack.proxy.stats()).toMatchObject({ requests: 2, commands: 8 });
  });

  it("is still one request for a stage the isolate has not seen (a script that checks first)", async () => {
    const { clock, beat } = await setup();
    clock.nowMs += 1000;
    const fresh = createApp({ now: () => clock.nowMs, logError: () => {} });
    stack.proxy.resetStats();
    await beat("x", { through: fresh });
    // EVALSHA + MGET (stage, marker, version, restored-at, estimate), ZADD, ZADD, EXPIRE,
    // EXPIRE, ZCOUNT. The script is sent by its SHA-1 (Redis has it since the warm-up), not in
    // full: the request is a few hundred bytes, not the 1.3 KB of the script's text.
    const stats = stack.proxy.stats();
    expect(stats).toMatchObject({ requests: 1, commands: 7 });
    expect(stats.requestBytes).toBeLessThan(600);
    console.info(
      `cache-miss heartbeat: ${stats.requestBytes} B sent, ${stats.responseBytes} B back`,
    );
  });

  it("re-reads a stage changed elsewhere with the checking script, and only then", async () => {
    const { env, clock, beat, stageId } = await setup();
    const elsewhere = createApp({ now: () => clock.nowMs, logError: () => {} });
    const patched = await elsewhere.request(
      `/v1/stages/${stageId}`,
      {
        method: "PATCH",
        headers: {
          authorization: `Bearer ${env.ADMIN_API_KEY}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ title: "Renamed" }),
      },
      env,
    );
    expect(patched.status).toBe(200);
    clock.nowMs += 10_000;
    stack.proxy.resetStats();
    await beat("a"); // ZADD, ZADD, MGET (finds the registry changed), ZCOUNT
    await beat("b"); // the script: EVALSHA, MGET, ZADD, ZADD, EXPIRE, EXPIRE, ZCOUNT
    await beat("c"); // ZADD, ZADD
    expect(stack.proxy.stats()).toMatchObject({ requests: 3, commands: 4 + 7 + 2 });
  });

  it("runs one checking script for 32 concurrent first heartbeats, and one ZCOUNT for 20 later", async () => {
    const { clock, beat: beatOn } = await setup();
    const fresh = createApp({ now: () => clock.nowMs, logError: () => {} });
    const beat = (viewerId: string) => beatOn(viewerId, { through: fresh });
    stack.proxy.resetStats();
    await Promise.all(Array.from({ length: 32 }, (_, i) => beat(`first-${i}`)));
    // One script (7 commands); the 31 others waited for it and sent ZADD + ZADD.
    expect(stack.proxy.stats()).toMatchObject({ requests: 32, commands: 7 + 31 * 2 });

    clock.nowMs += 10_000; // the count and the registry check are due again
    stack.proxy.resetStats();
    await Promise.all(Array.from({ length: 20 }, (_, i) => beat(`later-${i}`)));
    expect(stack.proxy.stats()).toMatchObject({ requests: 20, commands: 20 * 2 + 2 });
  });

  it("is one command while the player is paused: presence, no watch slot", async () => {
    const { clock, beat } = await setup();
    clock.nowMs += 1_000;
    stack.proxy.resetStats();
    await beat("paused-viewer", { query: "?state=paused" });
    expect(stack.proxy.stats()).toMatchObject({ requests: 1, commands: 1 });
  });
});
