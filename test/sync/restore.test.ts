import { describe, expect, it } from "vitest";
import { createHarness } from "../in-process/harness";
import { faultyDb, ownTable, syncTestContext, T0 } from "./harness";

const MIN = 60_000;

describe("restore after Redis lost its data", () => {
  it("rebuilds the registry and serves each live stage's last snapshot count, with Queries only", async () => {
    // Its own table: a restore takes in every stage of the table, and the run would then write
    // the due broadcasts of other tests' stages too.
    const table = await ownTable();
    const h = createHarness({ bindings: table });
    const t = syncTestContext({ REDIS_KEY_PREFIX: h.env.REDIS_KEY_PREFIX!, ...table });
    const watched = await h.createStage();
    const quiet = await h.createStage();
    const ended = await h.createStage();
    h.clock.nowMs = T0 + 4 * MIN;
    for (const viewer of ["amy", "bob", "cat"]) {
      expect((await h.heartbeat(watched, await h.token(viewer, watched))).status).toBe(200);
    }
    expect((await h.heartbeat(ended, await h.token("amy", ended))).status).toBe(200);
    t.clock.nowMs = T0 + 5 * MIN;
    await t.run(); // snapshots: watched 3 live viewers, ended 1
    const patched = await h.patchStage(ended, { status: "ended" });
    expect(patched.status).toBe(200);
    await t.run(); // settles the PATCH (its unsettled mark): what follows is the restore alone

    // Redis loses every key of this deployment.
    const lost = await t.redis.keys(`${t.config.redisKeyPrefix}*`);
    await t.redis.del(...lost);

    const { db, state } = faultyDb(t.db, () => "pass");
    t.clock.nowMs = T0 + 6 * MIN;
    const report = await t.run({}, { db });
    // Every copy was gone, so every stage of the table (its own) was put back.
    expect(report.restored).toMatchObject({ stages: 3, stagesPutBack: 3 });
    expect(report.restored?.estimates).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(t.logs.at(-1)!).registry).toMatch(/^restored: 3 stages checked/);
    expect(state.commands.length).toBeGreaterThanOrEqual(3);
    expect(new Set(state.commands)).toEqual(new Set(["QueryCommand"]));

    expect(await t.redis.get(t.keys.marker())).toBe("full");
    expect(await t.redis.smismember(t.keys.stages(), [watched, quiet, ended])).toEqual([1, 1, 1]);
    const config = JSON.parse((await t.redis.get<string>(t.keys.stage(ended)))!);
    expect(config).toMatchObject({ id: ended, status: "ended" });
    expect(config).not.toHaveProperty("pk");
    expect(JSON.parse((await t.redis.get<string>(t.keys.estimate(watched)))!)).toEqual({
      viewers: 3,
      asOf: "2026-11-27T12:05:10.000Z",
    });
    const ttl = await t.redis.ttl(t.keys.estimate(watched));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(t.config.presenceTtlSec);
    expect(await t.redis.exists(t.keys.estimate(quiet), t.keys.estimate(ended))).toBe(0);

    // The edge, restarted on the restored Redis, knows the stages without asking DynamoDB.
    const fresh = createHarness({ bindings: { REDIS_KEY_PREFIX: t.config.redisKeyPrefix } });
    fresh.clock.nowMs = T0 + 6 * MIN;
    expect((await fresh.heartbeat(watched, await fresh.token("amy", watched))).status).toBe(200);
    expect((await fresh.heartbeat(ended, await fresh.token("amy", ended))).status).toBe(410);
  });

  it("on a new Redis database, checks the registry, puts nothing back and does not call it a loss", async () => {
    const table = await ownTable();
    const h = createHarness({ bindings: table });
    const t = syncTestContext({ REDIS_KEY_PREFIX: h.env.REDIS_KEY_PREFIX!, ...table });
    const stageId = await h.createStage();
    h.clock.nowMs = T0 + 4 * MIN;
    expect((await h.heartbeat(stageId, await h.token("amy", stageId))).status).toBe(200);
    expect(await t.redis.get(t.keys.marker())).not.toBe("full");

    t.clock.nowMs = T0 + 5 * MIN;
    const report = await t.run();
    expect(report.restored).toEqual({ stages: 1, stagesPutBack: 0, estimates: 0 });
    expect(JSON.parse(t.logs.at(-1)!).registry).toBe(
      "marked complete: 1 stage checked against DynamoDB, none missing (as on a new Redis database's first run)",
    );
    expect(await t.redis.get(t.keys.marker())).toBe("full");
  });

  it("completes an edge-only rebuild (marker `registry`) with the estimates, once", async () => {
    const h = createHarness();
    const t = syncTestContext({ REDIS_KEY_PREFIX: h.env.REDIS_KEY_PREFIX! });
    const stageId = await h.createStage();
    h.clock.nowMs = T0 + 4 * MIN;
    expect((await h.heartbeat(stageId, await h.token("amy", stageId))).status).toBe(200);
    t.clock.nowMs = T0 + 5 * MIN;
    await t.run();
    await t.redis.del(t.keys.estimate(stageId));
    await t.redis.set(t.keys.marker(), "registry");

    const report = await t.run();
    expect(report.restored?.estimates).toBeGreaterThanOrEqual(1);
    expect(JSON.parse((await t.redis.get<string>(t.keys.estimate(stageId)))!)).toMatchObject({
      viewers: 1,
    });
    expect(await t.redis.get(t.keys.marker())).toBe("full");
    expect((await t.run()).restored).toBeUndefined();
  });
});
