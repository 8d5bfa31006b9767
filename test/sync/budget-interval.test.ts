import { cadenceFor } from "@viewer-presence/shared/heartbeat-cadence";
import { describe, expect, it } from "vitest";
import { maxPresenceTtlSec } from "../../sync/budget-interval";
import { syncTestContext, T0 } from "./harness";

const MIN = 60_000;
const base = {
  heartbeatIntervalSec: 30,
  heartbeatIntervalMaxSec: 120,
  presenceTtlSec: 120,
  upstashBilling: "fixed" as const,
};

describe("cadence", () => {
  it("follows the edge's rule: the chosen interval, clamped, with the TTL scaled", () => {
    expect(cadenceFor(base, 90)).toEqual({ intervalSec: 30, presenceTtlSec: 120 }); // no budget
    const budgeted = { ...base, hotPathBudgetUsd: 10 };
    expect(cadenceFor(budgeted)).toEqual({ intervalSec: 30, presenceTtlSec: 120 });
    expect(cadenceFor(budgeted, 60)).toEqual({ intervalSec: 60, presenceTtlSec: 240 });
    expect(cadenceFor(budgeted, 600)).toEqual({ intervalSec: 120, presenceTtlSec: 480 });
    expect(cadenceFor(budgeted, 5)).toEqual({ intervalSec: 30, presenceTtlSec: 120 });
    expect(maxPresenceTtlSec(budgeted)).toBe(480);
    expect(maxPresenceTtlSec(base)).toBe(120);
  });

  it("with a budget, chooses the interval for the live audience and counts by its TTL", async () => {
    const t = syncTestContext({ HOT_PATH_BUDGET_USD: "0.01" });
    const stageId = t.stageId();
    await t.redis.sadd(t.keys.stages(), stageId);
    for (let v = 0; v < 5; v++) await t.heartbeat(stageId, `v${v}`, T0 + 4 * MIN);
    t.clock.nowMs = T0 + 5 * MIN;
    expect(await t.run()).toMatchObject({ liveViewers: 5, heartbeatIntervalSec: 120 });
    expect(JSON.parse((await t.redis.get<string>(t.keys.heartbeatInterval()))!)).toMatchObject({
      intervalSec: 120,
      viewers: 5,
      at: new Date(T0 + 5 * MIN).toISOString(),
    });

    // Eight minutes after their last beat, viewers on a 120 s interval (TTL 480 s) still count:
    // their window is synced, but its bitmaps stay for the live count.
    await t.heartbeat(stageId, "v0", T0 + 5 * MIN);
    t.clock.nowMs = T0 + 10 * MIN + 30_000;
    const report = await t.run();
    expect(report).toMatchObject({ liveViewers: 5 });
    expect((await t.snapshots(stageId)).at(-1)).toMatchObject({ viewerCount: 5 });
  });
});
