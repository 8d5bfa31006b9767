import { describe, expect, it } from "vitest";
import { createHarness } from "./harness";

/**
 * Whether a stage takes a heartbeat has one home (shared/heartbeat-acceptance.ts). For a stage
 * the isolate does not hold, HEARTBEAT_SCRIPT obeys the `accepts` member its copy's writer
 * computed from that rule, never the stage's other members: a copy whose `accepts` disagrees with
 * its `status` (which the one writer cannot produce) shows which of the two the script reads.
 */
describe("heartbeat acceptance in the script", () => {
  it("refuses a stage whose copy accepts no viewer, whatever the rest of the copy says", async () => {
    const h = createHarness();
    const stageId = await h.createStage();
    const token = await h.token("viewer", stageId);
    expect((await h.heartbeat(stageId, token)).status).toBe(200);
    const copy = await h.redis.get<Record<string, unknown>>(h.keys.stage(stageId));
    expect(copy).toMatchObject({ accepts: "s", status: "live" });
    await h.redis.set(h.keys.stage(stageId), JSON.stringify({ ...copy, accepts: "" }));
    // A fresh isolate holds no stage: the script checks it.
    const fresh = createHarness({ bindings: { REDIS_KEY_PREFIX: h.env.REDIS_KEY_PREFIX! } });
    fresh.clock.nowMs = h.clock.nowMs;
    expect((await fresh.heartbeat(stageId, token)).status).toBe(410);
  });

  it("takes a signed viewer where the copy accepts signed viewers only", async () => {
    const h = createHarness();
    const stageId = await h.createStage();
    const token = await h.token("viewer", stageId);
    const copy = await h.redis.get<Record<string, unknown>>(h.keys.stage(stageId));
    await h.redis.set(h.keys.stage(stageId), JSON.stringify({ ...copy, accepts: "s" }));
    const fresh = createHarness({ bindings: { REDIS_KEY_PREFIX: h.env.REDIS_KEY_PREFIX! } });
    fresh.clock.nowMs = h.clock.nowMs;
    expect((await fresh.heartbeat(stageId, token)).status).toBe(200);
  });
});
