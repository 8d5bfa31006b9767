/**
 * The inputs a sceptic asked for (issue 12): heartbeats as sent (tabs, jitter), retention as
 * configured, storage over time, console reads, Upstash bandwidth with and without headers.
 */
import { describe, expect, it } from "vitest";
import { estimateMonthlyCost, STORAGE_MONTHS } from "./estimate";
import { measuredWorkload } from "./measured";
import { CURRENT_CATALOGUE } from "./prices";
import { auditStoredBytes, dashboardLoad, monthlyUsage } from "./usage";
import { defaultWorkload } from "./workload";

describe("heartbeats actually sent", () => {
  it("multiplies heartbeats by tabs per viewer and heartbeats a tab sends per interval", () => {
    const nominal = monthlyUsage(defaultWorkload({ viewers: 1_000 }));
    const sent = monthlyUsage(
      defaultWorkload({ viewers: 1_000, tabsPerViewer: 1.2, heartbeatsPerTabInterval: 1.05 }),
    );
    expect(sent.nominalHeartbeats).toBe(nominal.heartbeats);
    expect(sent.heartbeats).toBeCloseTo(nominal.heartbeats * 1.2 * 1.05, 3);
  });

  it("holds a viewer once in Redis whatever their tabs (at the audience's peak)", () => {
    const one = monthlyUsage(defaultWorkload({ viewers: 1_000 }));
    const two = monthlyUsage(defaultWorkload({ viewers: 1_000, tabsPerViewer: 2 }));
    expect(two.redisDataBytes).toBe(one.redisDataBytes);
    expect(one.redisDataBytes).toBe(1_000 * 1.5 * 186);
  });

  it("costs the edge tier what the extra requests cost", () => {
    const at = (heartbeatsPerTabInterval: number) =>
      estimateMonthlyCost(
        defaultWorkload({ viewers: 10_000, heartbeatsPerTabInterval }),
        "redis-snapshots-fixed",
      ).tiers.edge;
    const extraRequests = (10_000 * 730 * 3600 * 0.06) / 30;
    // $0.30 a million requests, and 1 ms of CPU each at $0.02 a million ms.
    expect(at(1.06) - at(1)).toBeCloseTo((extraRequests / 1e6) * (0.3 + 0.02), 6);
  });
});

describe("retention as configured", () => {
  const audit = (auditRetentionDays: number, historyMonths: number) => {
    const w = defaultWorkload({ viewers: 1_000, auditRetentionDays, historyMonths });
    return auditStoredBytes(w, monthlyUsage(w), CURRENT_CATALOGUE.dynamodb);
  };

  it("holds the retention's days of audit events once that many days have passed", () => {
    expect(audit(30, 12)).toBe(audit(30, 36));
    // 200 B an item, and the 100 B DynamoDB bills on top of every item.
    const perDay = ((1_000 * 86_400) / 30) * 300;
    expect(audit(30, 12)).toBeCloseTo(30 * perDay, 3);
  });

  it("keeps them for good with AUDIT_RETENTION_DAYS=0, as the sync job does", () => {
    expect(audit(0, 36)).toBeCloseTo(3 * audit(0, 12), 3);
    expect(audit(0, 12)).toBeGreaterThan(audit(30, 12));
  });

  it("shows every estimate's storage at months 1, 12 and 36, growing for kept history", () => {
    const e = estimateMonthlyCost(defaultWorkload({ viewers: 50_000 }), "redis-snapshots-fixed");
    expect(e.storageByMonth.map((s) => s.month)).toEqual([...STORAGE_MONTHS]);
    const [m1, m12, m36] = e.storageByMonth;
    expect(m12!.gb).toBeGreaterThan(m1!.gb);
    expect(m36!.gb).toBeGreaterThan(m12!.gb);
    expect(m36!.usd).toBeGreaterThan(m12!.usd);
    // The priced month (12 by default) is the one in the tiers.
    expect(m12!.usd).toBeCloseTo(e.tiers.dynamoStorage, 9);
  });
});

describe("console reads", () => {
  it("prices each open console's polls as DynamoDB reads in the architectures with history", () => {
    const w = defaultWorkload({ viewers: 10_000, dashboards: 3, dashboardPollSec: 5 });
    const load = dashboardLoad(w, monthlyUsage(w), CURRENT_CATALOGUE.dynamodb);
    expect(load.polls).toBeCloseTo((3 * 730 * 3600) / 5, 6);
    // 40,000 B a poll: 10 read units strongly consistent, 5 eventually.
    expect(load.readUnits).toBeCloseTo(load.polls * 5, 6);
    const e = estimateMonthlyCost(w, "redis-snapshots-fixed");
    expect(e.tiers.dynamoReads).toBeCloseTo((load.readUnits / 1e6) * 0.125, 9);
    const none = estimateMonthlyCost({ ...w, dashboards: 0 }, "redis-snapshots-fixed");
    expect(none.tiers.dynamoReads).toBe(0);
    expect(e.notes.join(" ")).not.toMatch(/reads only on restore/);
  });
});

describe("Upstash bandwidth with and without HTTP headers", () => {
  it("adds the headers to the bandwidth only when told they are metered", () => {
    const w = defaultWorkload({ viewers: 10_000, redisHeaderBytesPerHeartbeat: 200 });
    const bodies = monthlyUsage(w).heartbeatBandwidthBytes;
    const withHeaders = monthlyUsage({ ...w, redisBandwidthCountsHeaders: 1 });
    expect(withHeaders.heartbeatBandwidthBytes).toBeCloseTo((bodies * 500) / 300, 0);
  });

  it("notes the plan the other reading would need, on the fixed plan", () => {
    const e = estimateMonthlyCost(
      measuredWorkload({ viewers: 50_000, redisHeaderBytesPerHeartbeat: 400 }),
      "redis-snapshots-fixed",
    );
    expect(e.notes.join(" ")).toMatch(
      /does not document whether its bandwidth counts HTTP headers\. Bodies only: [\d,]+ GB a month, 1 x Fixed \w+; with the 400 B of headers a heartbeat measured locally: [\d,]+ GB/,
    );
  });

  it("rejects anything but 0 or 1 for whether headers are metered", () => {
    expect(() => defaultWorkload({ redisBandwidthCountsHeaders: 0.5 })).toThrow(/0 or 1/);
  });
});
