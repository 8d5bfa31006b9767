import { describe, expect, it } from "vitest";
import { compareArchitectures, estimateMonthlyCost } from "./estimate";
import { ARCHITECTURE_IDS, type ArchitectureId, TIER_NAMES } from "./types";
import { defaultWorkload, type Workload } from "./workload";

const VIEWER_GRID = [
  0, 1, 7, 10, 33, 100, 250, 999, 1_000, 4_321, 10_000, 33_333, 50_000, 99_999, 100_000, 250_000,
  777_777, 1_000_000, 2_500_000,
];
const total = (w: Partial<Workload>, id: ArchitectureId) =>
  estimateMonthlyCost(defaultWorkload(w), id).total;

describe("estimateMonthlyCost", () => {
  it("sums the tiers into the total", () => {
    for (const e of compareArchitectures(defaultWorkload())) {
      const sum = TIER_NAMES.reduce((s, t) => s + e.tiers[t], 0);
      expect(e.total).toBeCloseTo(sum, 9);
    }
  });

  it("charges the Workers minimum even with no viewers", () => {
    for (const id of ARCHITECTURE_IDS) {
      expect(estimateMonthlyCost(defaultWorkload({ viewers: 0 }), id).tiers.edge).toBe(5);
    }
  });

  it("prices the edge tier at 10k viewers as requests plus CPU beyond the included ones", () => {
    const e = estimateMonthlyCost(defaultWorkload(), "dynamodb-on-demand");
    expect(e.counts.heartbeats).toBe(876_000_000);
    // 876 M heartbeats and 7.3 M leaves (10,000 viewers, one an hour-long session, 730 h).
    expect(e.counts.workerRequests).toBe(883_300_000);
    // 5 + (883.3M - 10M) x 0.30/M + (883.3M - 30M) ms x 0.02/M
    expect(e.tiers.edge).toBeCloseTo(5 + 873.3 * 0.3 + 853.3 * 0.02, 6);
  });

  it("bills one write unit per heartbeat (and a delete per leave) on demand at today's price", () => {
    const e = estimateMonthlyCost(defaultWorkload(), "dynamodb-on-demand");
    expect(e.counts.dynamoWriteUnits).toBe(883_300_000);
    expect(e.tiers.dynamoWrites).toBeCloseTo(883.3 * 0.625, 6);
    // eventually consistent: half a read unit each
    expect(e.tiers.dynamoReads).toBeCloseTo(54.75, 6);
  });

  it("doubles read units for strong consistency", () => {
    const eventual = estimateMonthlyCost(defaultWorkload(), "dynamodb-on-demand");
    const strong = estimateMonthlyCost(
      defaultWorkload({ consistency: "strong" }),
      "dynamodb-on-demand",
    );
    expect(strong.counts.dynamoReadUnits).toBe(2 * eventual.counts.dynamoReadUnits);
  });

  it("counts every Upstash command on pay-as-you-go", () => {
    const e = estimateMonthlyCost(defaultWorkload(), "redis-only");
    // 2 a heartbeat, and 7 a leave (7.3 M leaves).
    expect(e.counts.redisCommands).toBe(1_752_000_000 + 7 * 7_300_000);
    expect(e.tiers.redis).toBeGreaterThanOrEqual(3504);
  });

  it("flags ElastiCache as unusable from the edge", () => {
    const e = estimateMonthlyCost(defaultWorkload(), "elasticache-snapshots");
    expect(e.usableFromEdge).toBe(false);
    expect(e.notes.join(" ")).toMatch(/VPC/);
  });

  it("reports the DynamoDB table quota as exceeded at a million viewers", () => {
    const e = estimateMonthlyCost(defaultWorkload({ viewers: 1_000_000 }), "dynamodb-on-demand");
    expect(e.limits.find((l) => l.name.includes("write units"))?.status).toBe("exceeded");
  });

  it("rejects an unknown architecture", () => {
    expect(() => estimateMonthlyCost(defaultWorkload(), "sqlite" as ArchitectureId)).toThrow(
      /Unknown architecture "sqlite"/,
    );
  });

  it("validates the workload it is given", () => {
    expect(() => estimateMonthlyCost({ ...defaultWorkload(), viewers: -1 }, "redis-only")).toThrow(
      /viewers/,
    );
  });
});

describe("properties", () => {
  it.each(ARCHITECTURE_IDS)("%s: cost never shrinks as viewers grow", (id) => {
    let previous = -1;
    for (const viewers of VIEWER_GRID) {
      const cost = total({ viewers }, id);
      expect(cost, `${viewers} viewers`).toBeGreaterThanOrEqual(previous);
      previous = cost;
    }
  });

  it.each(ARCHITECTURE_IDS)("%s: a longer heartbeat interval never costs more", (id) => {
    for (const viewers of [50, 10_000, 300_000]) {
      let previous = Number.POSITIVE_INFINITY;
      for (const heartbeatIntervalSec of [5, 10, 15, 20, 30, 45, 60, 90, 120, 300]) {
        const cost = total({ viewers, heartbeatIntervalSec }, id);
        expect(cost, `${viewers} viewers, ${heartbeatIntervalSec} s`).toBeLessThanOrEqual(previous);
        previous = cost;
      }
    }
  });

  it.each(["redis-snapshots-payg", "redis-snapshots-fixed", "elasticache-snapshots"] as const)(
    "%s: a larger packing factor never costs more DynamoDB writes",
    (id) => {
      for (const viewers of [10, 1_234, 50_000]) {
        let previous = Number.POSITIVE_INFINITY;
        for (let packing = 1; packing <= 23; packing++) {
          const e = estimateMonthlyCost(
            defaultWorkload({ viewers, viewingRecordPackingFactor: packing }),
            id,
          );
          expect(e.counts.dynamoWriteUnits).toBeLessThanOrEqual(previous);
          previous = e.counts.dynamoWriteUnits;
        }
        const unpacked = estimateMonthlyCost(
          defaultWorkload({ viewers, viewingRecordPackingFactor: 1 }),
          id,
        );
        // With more viewers per stage than records per item, packing must save writes.
        if (viewers / 10 > 23) expect(previous).toBeLessThan(unpacked.counts.dynamoWriteUnits);
      }
    },
  );

  it("batched heartbeat writes have exactly the write units of one PutItem per heartbeat", () => {
    for (const overrides of [
      {},
      { viewers: 1 },
      { viewers: 50_000, heartbeatItemSizeBytes: 2500 },
      { heartbeatIntervalSec: 7 },
    ]) {
      const w = defaultWorkload(overrides);
      const batched = estimateMonthlyCost(w, "batched-heartbeat-writes");
      const single = estimateMonthlyCost(w, "dynamodb-on-demand");
      expect(batched.counts.dynamoWriteUnits).toBe(single.counts.dynamoWriteUnits);
      expect(batched.tiers.dynamoWrites).toBe(single.tiers.dynamoWrites);
      expect(batched.counts.dynamoWriteRequests).toBeCloseTo(
        single.counts.dynamoWriteRequests / 25,
        6,
      );
    }
  });

  it("the hybrid on a fixed plan is cheaper than pure DynamoDB at 10k and 50k viewers", () => {
    for (const viewers of [10_000, 50_000]) {
      expect(total({ viewers }, "redis-snapshots-fixed")).toBeLessThan(
        total({ viewers }, "dynamodb-on-demand"),
      );
    }
  });
});
