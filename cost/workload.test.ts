import { describe, expect, it } from "vitest";
import { CURRENT_CATALOGUE } from "./prices";
import { monthlyUsage, snapshotWrites } from "./usage";
import { defaultWorkload, packedItemBytes, validateWorkload, WorkloadError } from "./workload";

describe("defaultWorkload", () => {
  it("fills the documented defaults", () => {
    const w = defaultWorkload();
    expect(w).toMatchObject({
      heartbeatIntervalSec: 30,
      presenceTtlSec: 120,
      snapshotIntervalSec: 300,
      countReadsPerHeartbeat: 1,
      redisCommandsPerHeartbeat: 2,
      viewingRecordPackingFactor: 20,
      consistency: "eventual",
      hoursPerMonth: 730,
    });
  });

  it("derives the presence TTL from an overridden interval unless given", () => {
    expect(defaultWorkload({ heartbeatIntervalSec: 60 }).presenceTtlSec).toBe(240);
    expect(defaultWorkload({ heartbeatIntervalSec: 60, presenceTtlSec: 90 }).presenceTtlSec).toBe(
      90,
    );
  });

  it("ignores overrides that are undefined", () => {
    expect(defaultWorkload({ viewers: undefined }).viewers).toBe(10_000);
  });

  it("packs the default 20 records into at most 1 KB", () => {
    expect(packedItemBytes(defaultWorkload())).toBeLessThanOrEqual(1024);
  });
});

describe("validateWorkload", () => {
  const bad: [string, Record<string, unknown>, RegExp][] = [
    ["negative viewers", { viewers: -1 }, /viewers must be a number >= 0 \(got -1\)/],
    ["NaN viewers", { viewers: Number.NaN }, /viewers must be .* \(got NaN\)/],
    ["infinite viewers", { viewers: Number.POSITIVE_INFINITY }, /viewers/],
    ["zero interval", { heartbeatIntervalSec: 0 }, /heartbeatIntervalSec must be a number > 0/],
    ["fractional stages", { stages: 2.5 }, /stages must be a whole number >= 1/],
    ["no stages", { stages: 0 }, /stages/],
    ["packing below one", { viewingRecordPackingFactor: 0.5 }, /viewingRecordPackingFactor/],
    ["packing past 1 KB", { viewingRecordPackingFactor: 30 }, /more than the 1024-byte item/],
    ["utilisation above 1", { provisionedUtilisation: 1.2 }, /provisionedUtilisation/],
    ["a 31-day+ month", { hoursPerMonth: 800 }, /hoursPerMonth/],
    ["a string", { redisBytesPerHeartbeat: "300" }, /redisBytesPerHeartbeat .* \(got 300\)/],
    [
      "an unknown consistency",
      { consistency: "linearizable" },
      /consistency must be "eventual" or "strong"/,
    ],
    [
      "a TTL below the interval",
      { heartbeatIntervalSec: 60, presenceTtlSec: 30 },
      /viewers drop out/,
    ],
  ];

  it.each(bad)("rejects %s with a readable message", (_name, override, message) => {
    const w = { ...defaultWorkload(), ...override } as never;
    expect(() => validateWorkload(w)).toThrow(message);
  });

  it("names every bad field at once", () => {
    const w = { ...defaultWorkload(), viewers: -3, stages: 0 };
    try {
      validateWorkload(w);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(WorkloadError);
      expect((error as WorkloadError).fields).toEqual(["viewers", "stages"]);
      expect((error as WorkloadError).code).toBe("INVALID_WORKLOAD");
    }
  });

  it("rejects bad overrides given to defaultWorkload", () => {
    expect(() => defaultWorkload({ viewers: -10 })).toThrow(WorkloadError);
  });

  it("accepts zero viewers", () => {
    expect(defaultWorkload({ viewers: 0 }).viewers).toBe(0);
  });
});

describe("rollups in the snapshot architectures", () => {
  it("writes two rollup items a stage an hour, and keeps one an hour and one a day for good", () => {
    const w = defaultWorkload({ stages: 10, historyMonths: 1 });
    const without = defaultWorkload({ stages: 10, historyMonths: 1, rollupItemSizeBytes: 1 });
    const writes = snapshotWrites(w, monthlyUsage(w), CURRENT_CATALOGUE.dynamodb);
    expect(writes.rollupItems).toBe(2 * 10 * 730);
    const small = snapshotWrites(without, monthlyUsage(without), CURRENT_CATALOGUE.dynamodb);
    // 600 B against 1 B an item: the kept hours and days (10 stages, 730 + 730 / 24 of each).
    expect(writes.storedBytes - small.storedBytes).toBeCloseTo(10 * (730 + 730 / 24) * 599, 3);
  });
});

describe("viewers' day totals and broadcasts in the snapshot architectures", () => {
  it("writes one item a viewer a day, a due entry a stage an hour and 5 units a broadcast, and keeps the items for good", () => {
    const w = defaultWorkload({ viewers: 10_000, stages: 10, historyMonths: 12 });
    const small = defaultWorkload({ ...w, viewerDayItemSizeBytes: 1 });
    const writes = snapshotWrites(w, monthlyUsage(w), CURRENT_CATALOGUE.dynamodb);
    const days = 730 / 24;
    expect(writes.analyticsWriteUnits).toBeCloseTo(10_000 * days + 10 * 730 + 5 * 10 * days, 6);
    const without = snapshotWrites(small, monthlyUsage(small), CURRENT_CATALOGUE.dynamodb);
    expect(writes.storedBytes - without.storedBytes).toBeCloseTo(10_000 * days * 12 * 149, 3);
    // At on-demand's $0.625 a million write units: about 20 cents a month at 10,000 viewers.
    expect((writes.analyticsWriteUnits * 0.625) / 1e6).toBeLessThan(0.2);
  });
});
