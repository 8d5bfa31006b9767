import { describe, expect, it } from "vitest";
import { heartbeatIntervalForBudget, hotPathMonthlyCost } from "./budget";
import { measuredWorkload } from "./measured";
import { defaultWorkload } from "./workload";

const base = { baseIntervalSec: 30, maxIntervalSec: 120 };

describe("hotPathMonthlyCost", () => {
  it("is Workers plus Upstash pay-as-you-go commands", () => {
    // 100 viewers at 30 s: 8.76 M requests (within the 10 M included), 17.52 M commands.
    expect(hotPathMonthlyCost(defaultWorkload({ viewers: 100 }))).toBeCloseTo(5 + 35.04, 6);
  });

  it("counts the heartbeats sent: every tab's, with the client's jitter", () => {
    const nominal = hotPathMonthlyCost(defaultWorkload({ viewers: 50 }));
    const sent = hotPathMonthlyCost(
      defaultWorkload({ viewers: 50, tabsPerViewer: 1.5, heartbeatsPerTabInterval: 1.1 }),
    );
    // 50 viewers stay within the included requests and CPU: only the commands grow.
    expect(sent - 5).toBeCloseTo((nominal - 5) * 1.5 * 1.1, 6);
  });
});

describe("heartbeatIntervalForBudget", () => {
  it("keeps the base interval for a small audience", () => {
    const r = heartbeatIntervalForBudget({ viewers: 100, monthlyBudgetUsd: 50, ...base });
    expect(r).toMatchObject({ intervalSec: 30, withinBudget: true });
  });

  it("lengthens the interval for a large audience", () => {
    const r = heartbeatIntervalForBudget({ viewers: 1_000, monthlyBudgetUsd: 200, ...base });
    expect(r.intervalSec).toBeGreaterThan(30);
    expect(r.intervalSec).toBeLessThanOrEqual(120);
    expect(r.withinBudget).toBe(true);
    expect(r.hotPathMonthlyUsd).toBeLessThanOrEqual(200);
  });

  it("returns the smallest whole-second interval that fits", () => {
    const r = heartbeatIntervalForBudget({ viewers: 1_000, monthlyBudgetUsd: 200, ...base });
    expect(Number.isInteger(r.intervalSec)).toBe(true);
    // Priced as this system was measured (measured.ts), as `npm run cost` prices it.
    const oneLess = hotPathMonthlyCost(
      measuredWorkload({ viewers: 1_000, heartbeatIntervalSec: r.intervalSec - 1 }),
    );
    expect(oneLess).toBeGreaterThan(200);
  });

  it("returns the max, flagged over budget, when nothing fits", () => {
    const r = heartbeatIntervalForBudget({ viewers: 1_000_000, monthlyBudgetUsd: 100, ...base });
    expect(r).toMatchObject({ intervalSec: 120, withinBudget: false });
  });

  it("charges more for more commands per heartbeat", () => {
    const lean = heartbeatIntervalForBudget({ viewers: 1_000, monthlyBudgetUsd: 200, ...base });
    const chatty = heartbeatIntervalForBudget({
      viewers: 1_000,
      monthlyBudgetUsd: 200,
      ...base,
      workload: { redisCommandsPerHeartbeat: 4 },
    });
    expect(chatty.intervalSec).toBeGreaterThan(lean.intervalSec);
  });

  it("rejects nonsense", () => {
    expect(() =>
      heartbeatIntervalForBudget({
        viewers: 10,
        monthlyBudgetUsd: 10,
        baseIntervalSec: 60,
        maxIntervalSec: 30,
      }),
    ).toThrow(/baseIntervalSec <= maxIntervalSec/);
    expect(() =>
      heartbeatIntervalForBudget({ viewers: Number.NaN, monthlyBudgetUsd: 10, ...base }),
    ).toThrow(/viewers/);
  });
});
