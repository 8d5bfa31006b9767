import { describe, expect, it } from "vitest";
import { durableObjectUsage } from "./durable-objects";
import { estimateMonthlyCost } from "./estimate";
import { CURRENT_CATALOGUE } from "./prices";
import { monthlyUsage } from "./usage";
import { defaultWorkload } from "./workload";

const input = (overrides = {}) => {
  const w = defaultWorkload(overrides);
  return { w, u: monthlyUsage(w), c: CURRENT_CATALOGUE };
};

describe("DO heartbeats (sketch)", () => {
  it("bills a connection a session, incoming messages 20 to 1, and an alarm a stage a run", () => {
    const use = durableObjectUsage(input({ viewers: 10_000, stages: 10 }));
    const connections = 10_000 * 730; // one a viewer an hour
    const messages = (10_000 * 730 * 3600) / 30;
    const alarms = ((730 * 3600) / 300) * 10;
    expect(use.connections).toBeCloseTo(connections, 3);
    expect(use.messages).toBeCloseTo(messages, 3);
    expect(use.billedRequests).toBeCloseTo(connections + messages / 20 + alarms, 3);
  });

  it("prices duration at 128 MB for the time the objects run, 10 ms a message by default", () => {
    const use = durableObjectUsage(input({ viewers: 10_000, workerCpuMsPerSyncedViewer: 0 }));
    const messages = (10_000 * 730 * 3600) / 30;
    expect(use.gbSeconds).toBeCloseTo(messages * 0.01 * 0.128, 3);
  });

  it("never bills an object for more than the month's seconds", () => {
    // 500 messages/s at the peak: one object, busy 1 s a message, far more than a month.
    const w = { viewers: 10_000, stages: 1, durableObjectMsPerMessage: 1_000 };
    const use = durableObjectUsage(input({ ...w, workerCpuMsPerSyncedViewer: 0 }));
    expect(use.objects).toBe(1);
    expect(use.gbSeconds).toBeCloseTo(730 * 3600 * 0.128, 3);
  });

  it("puts the objects in their own column and the upgrades in the edge column", () => {
    const e = estimateMonthlyCost(
      defaultWorkload({ viewers: 10_000 }),
      "durable-objects-snapshots",
    );
    const use = durableObjectUsage(input({ viewers: 10_000 }));
    const requests = ((use.billedRequests - 1e6) / 1e6) * 0.15;
    const duration = ((use.gbSeconds - 400_000) / 1e6) * 12.5;
    expect(e.tiers.objects).toBeCloseTo(requests + duration, 6);
    expect(e.tiers.redis).toBe(0);
    // 7.3 M upgrades and the console's polls stay within Workers' included 10 M requests.
    expect(e.tiers.edge).toBe(5);
    expect(e.keepsHistory).toBe(true);
  });

  it("splits a stage too large for one object into shards under the soft limit of 1,000 requests/s", () => {
    const small = estimateMonthlyCost(
      defaultWorkload({ viewers: 10_000 }),
      "durable-objects-snapshots",
    );
    expect(small.limits[0]!.status).toBe("ok");
    expect(small.plan).toEqual({ name: "Durable Objects, 1 per stage", databases: 10 });
    // One stage peaking at 50,000 messages/s: 50 shards of 1,000.
    const large = estimateMonthlyCost(
      defaultWorkload({ viewers: 1_000_000, stages: 1 }),
      "durable-objects-snapshots",
    );
    expect(large.plan).toEqual({ name: "Durable Objects, 50 per stage", databases: 50 });
    expect(large.limits[0]!.status).not.toBe("exceeded");
    expect(large.limits[0]!.used).toBeCloseTo(((1_000_000 / 30) * 1.5) / 50, 3);
  });

  it("prices the shards' merge and alarms: each shard reports its count every 10 s", () => {
    const use = durableObjectUsage(input({ viewers: 1_000_000, stages: 10 }));
    // 100,000 viewers a stage peak at 5,000 messages/s: 5 shards a stage.
    expect(use.shardsPerStage).toBe(5);
    expect(use.objects).toBe(50);
    expect(use.merges).toBeCloseTo((50 * 730 * 3600) / 10, 3);
    expect(use.alarms).toBeCloseTo(((730 * 3600) / 300) * 50, 3);
  });

  it("costs far less than this system at 10,000 viewers, and says where it does not beat it", () => {
    const w = defaultWorkload({ viewers: 10_000 });
    const objects = estimateMonthlyCost(w, "durable-objects-snapshots");
    const hybrid = estimateMonthlyCost(w, "redis-snapshots-fixed");
    expect(objects.total).toBeLessThan(hybrid.total / 5);
    expect(objects.notes.join(" ")).toMatch(/holds a connection|rewrite/);
  });
});
