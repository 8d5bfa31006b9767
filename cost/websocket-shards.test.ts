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
    // A flush of every viewer each slot; between slots, the changes at most every 20 s a shard
    // (each join and leave would ask for one: 14.6 M, the gap allows 1.3 M).
    const shardSeconds = 10 * HOURS * 3600;
    expect(use.earlyFlushes).toBeCloseTo(shardSeconds / 20, 3);
    expect(use.flushes).toBeCloseTo(shardSeconds / 30 + shardSeconds / 20, 3);
    expect(use.flushCommands).toBeCloseTo(use.flushes * 9, 3);
    // Each join and leave is pushed within a second: fewer than one a second a shard here.
    expect(use.pushAlarms).toBeCloseTo(2 * use.connections, 3);
  });

  it("bounds a busy shard's Redis writes and storage rows by time, not by its audience's churn", () => {
    const use = webSocketUsage(input({ viewers: 1_000_000, stages: 1 }));
    const shardSeconds = use.shards * HOURS * 3600;
    expect(use.earlyFlushes).toBeCloseTo(shardSeconds / 20, 3);
    expect(use.pushAlarms).toBeCloseTo(shardSeconds, 3);
    // A slot's flush writes 3 rows (its alarm, its meta, what it owed); a busy shard's push re-arms
    // its alarm a second ahead (1 row) and its events write none.
    expect(use.rowsWritten).toBeCloseTo((shardSeconds / 30) * 3 + shardSeconds, 3);
  });

  it("splits a stage into shards of at most 10,000 sockets at the peak", () => {
    const use = webSocketUsage(input({ viewers: 1_000_000, stages: 1 }));
    expect(use.shardsPerStage).toBe(150);
    expect(use.peakSocketsPerShard).toBeLessThanOrEqual(10_000);
  });

  it("prices every line at 10,000 viewers, storage rows included: $30 or less, under a tenth of HTTP", () => {
    const e = estimateMonthlyCost(
      defaultWorkload({ viewers: 10_000 }),
      "websocket-shards-snapshots",
    );
    const use = webSocketUsage(input({ viewers: 10_000 }));
    expect(e.tiers.edge).toBe(5); // the plan; 7.6 M requests are within the 10 M included
    const alarms = use.flushes - use.earlyFlushes + use.pushAlarms;
    const requests = use.connections + use.messages / 20 + alarms;
    expect(e.counts.objectRequests).toBeCloseTo(requests, 3);
    const storage = (Math.max(0, use.rowsWritten - 50e6) / 1e6) * 1;
    expect(e.tiers.objects).toBeCloseTo(
      ((requests - 1e6) / 1e6) * 0.15 +
        ((e.counts.objectGbSeconds - 400_000) / 1e6) *
          12.5 *
          Number(e.counts.objectGbSeconds > 400_000) +
        storage,
      6,
    );
    expect(e.tiers.redis).toBeGreaterThan(0);
    expect(e.tiers.dynamoWrites).toBeGreaterThan(0);
    expect(e.total).toBeLessThanOrEqual(30);
    // The HTTP transport's bill for the same audience, for scale.
    const http = estimateMonthlyCost(defaultWorkload({ viewers: 10_000 }), "redis-snapshots-fixed");
    expect(e.total).toBeLessThan(http.total / 10);
  });

  it("prices the rows a shard writes beyond the 50 M included", () => {
    const big = estimateMonthlyCost(
      defaultWorkload({ viewers: 1_000_000 }),
      "websocket-shards-snapshots",
    );
    const use = webSocketUsage(input({ viewers: 1_000_000 }));
    expect(use.rowsWritten).toBeGreaterThan(50e6);
    const withoutRows = estimateMonthlyCost(
      defaultWorkload({ viewers: 1_000_000 }),
      "websocket-shards-snapshots",
      {
        ...CURRENT_CATALOGUE,
        durableObjects: {
          ...CURRENT_CATALOGUE.durableObjects,
          perMillionRowsWritten: {
            ...CURRENT_CATALOGUE.durableObjects.perMillionRowsWritten,
            value: 0,
          },
        },
      },
    );
    expect(big.tiers.objects - withoutRows.tiers.objects).toBeCloseTo(
      (use.rowsWritten - 50e6) / 1e6,
      6,
    );
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
