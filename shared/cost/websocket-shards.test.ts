import { describe, expect, it } from "vitest";
import { estimateMonthlyCost } from "./estimate";
import { CURRENT_CATALOGUE } from "./prices";
import { monthlyUsage } from "./usage";
import { webSocketUsage } from "./websocket-shards";
import { defaultWorkload } from "./workload";

const input = (overrides = {}) => {
  const w = defaultWorkload(overrides);
  return { w, u: monthlyUsage(w), c: CURRENT_CATALOGUE };
};

const HOURS = 730;

describe("WebSockets + snapshots", () => {
  it("counts an upgrade a tab-hour and per deploy, messages a session, and a flush a shard a slot", () => {
    const use = webSocketUsage(input({ viewers: 10_000, stages: 10, deploysPerMonth: 4 }));
    // Hour-long sessions: one upgrade a viewer-hour, and each deploy reconnects every viewer.
    expect(use.connections).toBeCloseTo(10_000 * HOURS + 4 * 10_000, 3);
    expect(use.messages).toBeCloseTo(10_000 * HOURS * 3, 3);
    // 1,500 sockets a stage at the peak: one shard a stage, a flush every 30 s.
    expect(use.shards).toBe(10);
    // A flush every slot, and one brought forward by each join and each leave.
    expect(use.earlyFlushes).toBeCloseTo(10_000 * HOURS * 2, 3);
    expect(use.flushes).toBeCloseTo((10 * HOURS * 3600) / 30 + 10_000 * HOURS * 2, 3);
    expect(use.flushCommands).toBeCloseTo(use.flushes * 9, 3);
  });

  it("splits a stage into shards of at most 10,000 sockets at the peak", () => {
    const use = webSocketUsage(input({ viewers: 1_000_000, stages: 1 }));
    expect(use.shardsPerStage).toBe(150);
    expect(use.peakSocketsPerShard).toBeLessThanOrEqual(10_000);
  });

  it("prices every line at 10,000 viewers: a quarter of the HTTP bill, $30 or less without early flushes", () => {
    const e = estimateMonthlyCost(
      defaultWorkload({ viewers: 10_000 }),
      "websocket-shards-snapshots",
    );
    const use = webSocketUsage(input({ viewers: 10_000 }));
    expect(e.tiers.edge).toBe(5); // the plan; 7.6 M requests are within the 10 M included
    const requests = use.connections + use.messages / 20 + use.flushes;
    expect(e.counts.objectRequests).toBeCloseTo(requests, 3);
    expect(e.tiers.objects).toBeCloseTo(
      ((requests - 1e6) / 1e6) * 0.15 +
        ((e.counts.objectGbSeconds - 400_000) / 1e6) *
          12.5 *
          Number(e.counts.objectGbSeconds > 400_000),
      6,
    );
    expect(e.tiers.redis).toBeGreaterThan(0);
    expect(e.tiers.dynamoWrites).toBeGreaterThan(0);
    // The HTTP transport's bill for the same audience, for scale.
    const http = estimateMonthlyCost(defaultWorkload({ viewers: 10_000 }), "redis-snapshots-fixed");
    expect(e.total).toBeLessThan(http.total / 3);
    // What the flushes brought forward by joins and leaves cost: every one re-sends the shard's
    // viewers (edge/presence-shard.ts), so Upstash's bandwidth picks a larger plan.
    const slotsOnly = estimateMonthlyCost(
      defaultWorkload({ viewers: 10_000, socketEarlyFlushesPerSession: 0 }),
      "websocket-shards-snapshots",
    );
    expect(slotsOnly.total).toBeLessThanOrEqual(30);
    expect(e.total - slotsOnly.total).toBeGreaterThan(50);
  });

  it("prices a page watching the count as upgrades only", () => {
    const none = estimateMonthlyCost(
      defaultWorkload({ watchers: 0 }),
      "websocket-shards-snapshots",
    );
    const many = estimateMonthlyCost(
      defaultWorkload({ watchers: 100_000 }),
      "websocket-shards-snapshots",
    );
    expect(many.counts.objectRequests - none.counts.objectRequests).toBeCloseTo(100_000 * HOURS, 3);
    expect(many.counts.redisCommands).toBe(none.counts.redisCommands);
  });
});
