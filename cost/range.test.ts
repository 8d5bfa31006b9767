import { describe, expect, it } from "vitest";
import { compareArchitectures, estimateMonthlyCost } from "./estimate";
import { measuredWorkload, STEADY_STATE_HEARTBEAT } from "./measured";
import { estimateRange } from "./range";
import type { Workload } from "./workload";

const total = (w: Workload) => estimateMonthlyCost(w, "redis-snapshots-fixed").total;
const at10k = measuredWorkload({ viewers: 10_000 });
const mover = (name: RegExp, w = at10k) =>
  estimateRange(w, total).movers.find((m) => name.test(m.name));

describe("a cost range where the figure sits on a plan's boundary", () => {
  it("prices each unknown alone: steady-state heartbeats, headers metered, more tabs, anonymous", () => {
    const steady = {
      ...at10k,
      redisCommandsPerHeartbeat: STEADY_STATE_HEARTBEAT.redisCommandsPerHeartbeat,
      redisBytesPerHeartbeat: STEADY_STATE_HEARTBEAT.redisBytesPerHeartbeat,
    };
    expect(mover(/^steady-state heartbeats/)?.total).toBe(total(steady));
    expect(mover(/^Upstash meters HTTP headers too \(530 B/)?.total).toBe(
      total({ ...at10k, redisBandwidthCountsHeaders: 1 }),
    );
    expect(mover(/^1\.2 tabs a viewer/)?.total).toBe(total({ ...at10k, tabsPerViewer: 1.2 }));
    expect(mover(/^every viewer anonymous/)?.total).toBe(
      total({ ...at10k, anonymousViewerShare: 1 }),
    );
  });

  it("spans the 10,000-viewer bill from the steady state's smaller plan to headers and tabs together", () => {
    const range = estimateRange(at10k, total);
    const base = total(at10k);
    // 115 GB a month on Fixed 5GB; at 76 B a heartbeat it fits Fixed 1GB, $80 less.
    expect(range.low).toBeCloseTo(base - 80, 9);
    expect(range.low).toBe(mover(/^steady-state/)?.total);
    const together = mover(/^all that raise it, together$/)!.total;
    expect(range.high).toBe(together);
    expect(together).toBe(
      total({
        ...at10k,
        redisBandwidthCountsHeaders: 1,
        tabsPerViewer: 1.2,
        anonymousViewerShare: 1,
      }),
    );
    expect(range.low).toBeLessThan(base);
    expect(range.high).toBeGreaterThan(base + 100);
  });

  it("leaves out a mover that would change nothing", () => {
    const known = {
      ...at10k,
      redisCommandsPerHeartbeat: STEADY_STATE_HEARTBEAT.redisCommandsPerHeartbeat,
      redisBytesPerHeartbeat: STEADY_STATE_HEARTBEAT.redisBytesPerHeartbeat,
      anonymousViewerShare: 1,
    };
    const names = estimateRange(known, total).movers.map((m) => m.name);
    expect(names.some((n) => n.startsWith("steady-state"))).toBe(false);
    expect(names.some((n) => n.startsWith("every viewer anonymous"))).toBe(false);
  });

  it("comes with every estimate compareArchitectures makes, the API's estimateCost included", () => {
    for (const e of compareArchitectures(at10k)) {
      expect(e.range, e.architecture).toBeDefined();
      expect(e.range!.low, e.architecture).toBeLessThanOrEqual(e.total);
      expect(e.range!.high, e.architecture).toBeGreaterThanOrEqual(e.total);
    }
  });
});
