/**
 * What a heartbeat costs at Upstash, counted by the local Upstash-compatible endpoint on its own
 * redis-server (so no other test's commands are counted). Counts, not timings: they are exact.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../edge/app";
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
  const beat = async (viewerId: string) => {
    const { token } = await signViewerToken({
      secret: TEST_TOKEN_SECRET,
      viewerId,
      stageId,
      nowMs: clock.nowMs,
    });
    const response = await app.request(
      `/v1/stages/${stageId}/heartbeats`,
      { method: "POST", headers: { authorization: `Bearer ${token}` } },
      env,
    );
    expect(response.status).toBe(200);
  };
  return { app, env, clock, beat, stageId };
}

describe("heartbeat cost", () => {
  it("is one request of 2 commands once the isolate knows the stage and the count", async () => {
    const { clock, beat } = await setup();
    await beat("warm-up"); // stage known from createStage; sets key expiries and the count
    stack.proxy.resetStats();
    for (let i = 0; i < 20; i++) {
      await beat(`viewer-${i}`);
      clock.nowMs += 100; // 2 s in all: within the 5 s count cache
    }
    const stats = stack.proxy.stats();
    expect(stats.requests).toBe(20);
    expect(stats.commands).toBe(40);
  });

  it("adds ZCOUNT once per count-cache period, and EXPIREs once per window", async () => {
    const { clock, beat } = await setup();
    await beat("warm-up");
    clock.nowMs += 5_000; // the count is stale: next beat re-reads it
    stack.proxy.resetStats();
    await beat("a");
    await beat("b");
    expect(stack.proxy.stats()).toMatchObject({ requests: 2, commands: 5 });
  });

  it("is still one request for a stage the isolate has not seen (a script that checks first)", async () => {
    const { env, clock, stageId } = await setup();
    const fresh = createApp({ now: () => clock.nowMs, logError: () => {} });
    const { token } = await signViewerToken({
      secret: TEST_TOKEN_SECRET,
      viewerId: "x",
      stageId,
      nowMs: clock.nowMs,
    });
    stack.proxy.resetStats();
    const response = await fresh.request(
      `/v1/stages/${stageId}/heartbeats`,
      { method: "POST", headers: { authorization: `Bearer ${token}` } },
      env,
    );
    expect(response.status).toBe(200);
    // EVAL + GET, ZADD, HSET, EXPIRE, EXPIRE, ZCOUNT.
    expect(stack.proxy.stats()).toMatchObject({ requests: 1, commands: 7 });
  });

  it("re-reads a stage known for over 10 s with one GET in the same request", async () => {
    const { clock, beat } = await setup();
    await beat("warm-up");
    clock.nowMs += 10_000; // the stage and the count are both stale now
    stack.proxy.resetStats();
    await beat("a"); // ZADD, HSET, GET s:<stage>, ZCOUNT
    await beat("b"); // ZADD, HSET
    expect(stack.proxy.stats()).toMatchObject({ requests: 2, commands: 6 });
  });
});
