import { describe, expect, it } from "vitest";
import { estimateMonthlyCost } from "./estimate";
import { UPSTASH_FIXED_PLANS } from "./prices";
import { type PlanRequirements, selectFixedPlan } from "./upstash-plans";
import { defaultWorkload } from "./workload";

const GB = 1e9;
const MB = 1e6;
const small: PlanRequirements = {
  dataBytes: 10 * MB,
  monthlyBandwidthBytes: 10 * GB,
  peakCommandsPerSec: 100,
  largestRequestBytes: 300,
};
const pick = (r: Partial<PlanRequirements>) =>
  selectFixedPlan(UPSTASH_FIXED_PLANS, { ...small, ...r });

describe("selectFixedPlan", () => {
  it("takes the cheapest plan when everything fits", () => {
    const choice = pick({});
    expect(choice.plan.name).toBe("Fixed 250MB");
    expect(choice.monthlyUsd).toBe(10);
    expect(choice.limits.every((l) => l.status === "ok")).toBe(true);
  });

  it("moves to a bigger plan when bandwidth exceeds the smaller one", () => {
    expect(pick({ monthlyBandwidthBytes: 50 * GB }).plan.name).toBe("Fixed 250MB");
    const choice = pick({ monthlyBandwidthBytes: 51 * GB });
    expect(choice.plan.name).toBe("Fixed 1GB");
    expect(choice.limits.find((l) => l.name.endsWith("monthly bandwidth"))?.status).toBe("binding");
    expect(pick({ monthlyBandwidthBytes: 307 * GB }).plan.name).toBe("Fixed 5GB");
    expect(pick({ monthlyBandwidthBytes: 1.5 * 1e12 }).plan.name).toBe("Fixed 50GB");
  });

  it("moves to a bigger plan when the data size exceeds the smaller one", () => {
    const choice = pick({ dataBytes: 300 * MB });
    expect(choice.plan.name).toBe("Fixed 1GB");
    expect(choice.limits.find((l) => l.name.endsWith("data size"))?.status).toBe("binding");
    expect(pick({ dataBytes: 6 * GB }).plan.name).toBe("Fixed 10GB");
  });

  it("moves to a 16k commands/s plan when the peak rate needs it", () => {
    expect(pick({ peakCommandsPerSec: 10_000 }).plan.name).toBe("Fixed 250MB");
    expect(pick({ peakCommandsPerSec: 12_000 }).plan.name).toBe("Fixed 100GB");
  });

  it("prices several databases of the largest plan when none fits, each within its limits", () => {
    const choice = pick({ monthlyBandwidthBytes: 45 * 1e12 });
    expect(choice.plan.name).toBe("Fixed 500GB");
    expect(choice.databases).toBe(3);
    expect(choice.monthlyUsd).toBe(4500);
    // 15 TB per database: at the plan's limit, so binding, not exceeded.
    const bandwidth = choice.limits.find((l) => l.name.endsWith("monthly bandwidth"));
    expect(bandwidth?.used).toBe(15 * 1e12);
    expect(bandwidth?.status).toBe("binding");
  });

  it("refuses a request no plan accepts", () => {
    expect(() => pick({ largestRequestBytes: 200 * MB })).toThrow(/request/);
  });
});

describe("redis-snapshots-fixed", () => {
  it("chooses a bigger plan for bigger heartbeats (bandwidth) and more data per viewer (size)", () => {
    // 2,000 viewers: 175 M heartbeats x 300 B + the sync job's reads = 61 GB a month.
    const base = estimateMonthlyCost(defaultWorkload({ viewers: 2_000 }), "redis-snapshots-fixed");
    expect(base.plan?.name).toBe("Fixed 1GB");
    const chatty = estimateMonthlyCost(
      defaultWorkload({ viewers: 2_000, redisBytesPerHeartbeat: 1500 }),
      "redis-snapshots-fixed",
    );
    expect(chatty.plan?.name).toBe("Fixed 5GB");
    const bulky = estimateMonthlyCost(
      defaultWorkload({ viewers: 2_000, redisBytesPerViewer: 600_000 }),
      "redis-snapshots-fixed",
    );
    expect(bulky.plan?.name).toBe("Fixed 5GB");
    expect(bulky.tiers.redis).toBeGreaterThan(base.tiers.redis);
  });
});
