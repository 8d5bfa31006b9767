import { MAX_REDIS_DATABASES } from "@viewer-presence/shared/config";
import { describe, expect, it } from "vitest";
import { estimateMonthlyCost } from "./estimate";
import { measuredWorkload } from "./measured";
import { UPSTASH_FIXED_PLANS } from "./prices";
import { cheaperSet, MAX_DATABASES, type PlanRequirements, selectFixedPlan } from "./upstash-plans";
import { defaultWorkload } from "./workload";

const GB = 1e9;
const MB = 1e6;
const TB = 1e12;
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
    expect(choice.decidedBy).toEqual(["monthly bandwidth"]);
    // 51 GB of 100: the limit decided the plan, but is not near (80 %) on it.
    expect(choice.limits.find((l) => l.name.endsWith("monthly bandwidth"))?.status).toBe("ok");
    expect(pick({ monthlyBandwidthBytes: 307 * GB }).plan.name).toBe("Fixed 5GB");
    expect(pick({ monthlyBandwidthBytes: 1.5 * 1e12 }).plan.name).toBe("Fixed 50GB");
  });

  it("moves to a bigger plan when the data size exceeds the smaller one", () => {
    const choice = pick({ dataBytes: 300 * MB });
    expect(choice.plan.name).toBe("Fixed 1GB");
    expect(choice.decidedBy).toEqual(["data size"]);
    expect(
      pick({ dataBytes: 900 * MB }).limits.find((l) => l.name.endsWith("data size"))?.status,
    ).toBe("binding");
    expect(pick({ dataBytes: 6 * GB }).plan.name).toBe("Fixed 10GB");
  });

  it("moves to a 16k commands/s plan when the peak rate needs it", () => {
    expect(pick({ peakCommandsPerSec: 10_000 }).plan.name).toBe("Fixed 250MB");
    expect(pick({ peakCommandsPerSec: 12_000 }).plan.name).toBe("Fixed 100GB");
  });

  it("takes the cheapest set of databases when none fits alone, not N of the largest plan", () => {
    // 45 TB a month: 3 x Fixed 500GB ($4,500), 5 x Fixed 100GB ($4,000), 9 x Fixed 50GB ($3,600).
    const choice = pick({ monthlyBandwidthBytes: 45 * TB });
    expect(choice).toMatchObject({ databases: 9, monthlyUsd: 3600, fits: true });
    expect(choice.plan.name).toBe("Fixed 50GB");
    expect(choice.decidedBy).toEqual(["monthly bandwidth"]);
    // 5 TB per database: at the plan's limit, so near it (binding), not over.
    const bandwidth = choice.limits.find((l) => l.name.endsWith("monthly bandwidth"));
    expect(bandwidth?.used).toBe(5 * TB);
    expect(bandwidth?.status).toBe("binding");
  });

  it("prefers fewer databases at the same price, and adds a per-database extra (Prod Pack)", () => {
    // 10.4 TB and 70,000 commands/s: 21 x Fixed 5GB ($2,100) beats 11 x Fixed 10GB ($2,200) and
    // 7 x Fixed 50GB ($2,800); with $200 a database on top, 7 x Fixed 50GB ($4,200) beats
    // 11 x Fixed 10GB ($4,400) and 21 x Fixed 5GB ($6,300).
    const r = { monthlyBandwidthBytes: 10.4 * TB, peakCommandsPerSec: 70_000 };
    expect(pick(r)).toMatchObject({ databases: 21, monthlyUsd: 2100 });
    const packed = selectFixedPlan(
      UPSTASH_FIXED_PLANS,
      { ...small, ...r },
      { extraPerDatabaseUsd: 200 },
    );
    expect(packed).toMatchObject({ databases: 7, monthlyUsd: 4200 });
    expect(packed.plan.name).toBe("Fixed 50GB");
  });

  it("keeps within the databases the deployment can list, and says when nothing fits", () => {
    expect(MAX_DATABASES).toBe(MAX_REDIS_DATABASES);
    // 3 TB on 250 MB plans would be 60 databases (cheapest); with at most 10, 1 x Fixed 50GB.
    expect(pick({ monthlyBandwidthBytes: 3 * TB }).plan.name).toBe("Fixed 50GB");
    const huge = pick({ monthlyBandwidthBytes: 6_000 * TB });
    expect(huge.fits).toBe(false);
    expect(huge).toMatchObject({ databases: 300 });
    expect(huge.plan.name).toBe("Fixed 500GB");
  });

  it("takes more databases than a stage spreads over only when no smaller set fits", () => {
    // 10,000,000 viewers at 5.02 commands a heartbeat (issue 22's top of the hour; `npm run
    // cost -- --viewers 10000000 --commands 5.018`): 169 x Fixed 100GB, which the configuration
    // accepts, though a stage spreads over 64 at most.
    const tenMillion = pick({ monthlyBandwidthBytes: 105_028 * GB, peakCommandsPerSec: 2_698_744 });
    expect(tenMillion).toMatchObject({ databases: 169, fits: true });
    expect(tenMillion.plan.name).toBe("Fixed 100GB");
    // 10.4 TB a month: 208 x Fixed 250MB ($2,080) would be cheapest, but sets a stage can
    // spread over evenly come first.
    expect(pick({ monthlyBandwidthBytes: 10.4 * TB }).databases).toBeLessThanOrEqual(64);
  });

  it("names a cheaper set of several small databases where one exists", () => {
    const r = { ...small, monthlyBandwidthBytes: 104 * GB };
    const choice = selectFixedPlan(UPSTASH_FIXED_PLANS, r);
    expect(choice.plan.name).toBe("Fixed 5GB");
    expect(cheaperSet(UPSTASH_FIXED_PLANS, r, choice)).toMatchObject({
      databases: 3,
      monthlyUsd: 30,
    });
    expect(
      cheaperSet(UPSTASH_FIXED_PLANS, small, selectFixedPlan(UPSTASH_FIXED_PLANS, small)),
    ).toBe(undefined);
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

describe("this system at 1,000,000 viewers (issue 18)", () => {
  const e = estimateMonthlyCost(measuredWorkload({ viewers: 1_000_000 }), "redis-snapshots-fixed");

  it("buys the cheapest set that fits, not 5 x Fixed 500GB ($7,500)", () => {
    // 11,366 GB a month (23 x 500 GB) and 112,867 commands/s at the top of the hour (12 x
    // 10,000): bandwidth decides, on the cheapest plan per GB.
    expect(e.plan).toEqual({ name: "Fixed 5GB", databases: 23 });
    expect(e.tiers.redis).toBe(2300);
    expect(e.notes.join(" ")).toMatch(
      /no single database carries the load; this is the cheapest set/,
    );
  });

  it("names Upstash's Enterprise threshold and the Workers volume", () => {
    const note = e.notes.find((n) => n.startsWith("Enterprise:"));
    expect(note).toMatch(/from 100,000 commands\/s/);
    expect(note).toMatch(/93\.\d billion heartbeats a month, each a request/);
  });

  it("flags no limit as exceeded on a row priced on several databases (pay-as-you-go too)", () => {
    const payg = estimateMonthlyCost(
      measuredWorkload({ viewers: 1_000_000 }),
      "redis-snapshots-payg",
    );
    // 112,867 commands/s at the top of the hour over PAYG's 10,000 a database.
    expect(payg.plan?.databases).toBe(12);
    expect(payg.limits.filter((l) => l.status === "exceeded")).toEqual([]);
    expect(e.limits.filter((l) => l.status === "exceeded")).toEqual([]);
  });
});
