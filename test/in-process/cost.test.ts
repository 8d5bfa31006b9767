import { compareArchitectures } from "@viewer-presence/cost/estimate";
import { measuredWorkload } from "@viewer-presence/cost/measured";
import { ARCHITECTURE_IDS } from "@viewer-presence/cost/types";
import { describe, expect, it } from "vitest";
import { createHarness, readProblem } from "./harness";

interface Comparison {
  pricesAsOf: string;
  estimates: {
    architecture: string;
    total: number;
    usableFromEdge: boolean;
    tiers: Record<string, number>;
    storageByMonth: { month: number; gb: number; usd: number }[];
  }[];
}

describe("estimateCost", () => {
  it("prices every architecture for an audience, cheapest first, with this system's measured inputs", async () => {
    const h = createHarness();
    const response = await h.request("/v1/cost-estimates?viewers=10000");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("public, max-age=3600");
    const body = (await response.json()) as Comparison;
    expect(body.pricesAsOf).toBe("2026-12-07");
    expect(body.estimates.map((estimate) => estimate.architecture).sort()).toEqual(
      [...ARCHITECTURE_IDS].sort(),
    );
    const totals = body.estimates.map((estimate) => estimate.total);
    expect(totals).toEqual([...totals].sort((a, b) => a - b));
    const byId = Object.fromEntries(
      body.estimates.map((estimate) => [estimate.architecture, estimate]),
    );
    expect(byId["redis-snapshots-fixed"]!.total).toBeLessThan(byId["dynamodb-on-demand"]!.total);
    expect(byId["elasticache-snapshots"]!.usableFromEdge).toBe(false);
    // Counting alone is cheaper on a fixed plan; the hybrid's extra buys history.
    expect(byId["redis-only-fixed"]!.total).toBeLessThan(byId["redis-snapshots-fixed"]!.total);
    expect(byId["redis-only-fixed"]!.tiers.dynamoStorage).toBe(0);
    // The edge tier is in every bill: 876 M nominal heartbeats a month at 10,000 viewers, times
    // the measured jitter, each a Workers request.
    const requests = ((10_000 * 730 * 3600) / 30) * measuredWorkload().heartbeatsPerTabInterval;
    expect(byId["dynamodb-on-demand"]!.tiers.edge).toBeGreaterThan(
      5 + ((requests - 10e6) / 1e6) * 0.3,
    );
  });

  it("answers what `npm run cost` prints: the same measured inputs, storage at months 1, 12 and 36", async () => {
    const h = createHarness();
    const response = await h.request("/v1/cost-estimates?viewers=50000&stages=20");
    const body = (await response.json()) as Comparison;
    const local = compareArchitectures(measuredWorkload({ viewers: 50_000, stages: 20 }));
    for (const estimate of local) {
      const answered = body.estimates.find((e) => e.architecture === estimate.architecture)!;
      expect(answered.total, estimate.architecture).toBeCloseTo(estimate.total, 9);
      expect(answered.storageByMonth.map((s) => s.month)).toEqual([1, 12, 36]);
    }
  });

  it("prices an audience's shape as `npm run cost` does: hours live, peak, sessions, anonymous share", async () => {
    const h = createHarness();
    const response = await h.request(
      "/v1/cost-estimates?viewers=10000&hoursLive=2&peak=2&sessionMinutes=30&anonymous=0.25",
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as Comparison;
    const shaped = measuredWorkload({
      viewers: 10_000,
      hoursLivePerDay: 2,
      peakToAverage: 2,
      sessionMinutes: 30,
      anonymousViewerShare: 0.25,
    });
    const aroundTheClock = compareArchitectures(measuredWorkload({ viewers: 10_000 }));
    for (const estimate of compareArchitectures(shaped)) {
      const answered = body.estimates.find((e) => e.architecture === estimate.architecture)!;
      expect(answered.total, estimate.architecture).toBeCloseTo(estimate.total, 9);
    }
    // Two hours a day is a fraction of the around-the-clock bill, not the same figure.
    const ours = (estimates: { architecture: string; total: number }[]) =>
      estimates.find((e) => e.architecture === "redis-snapshots-fixed")!.total;
    expect(ours(body.estimates)).toBeLessThan(ours(aroundTheClock) / 4);
    const refused = await h.request("/v1/cost-estimates?viewers=10000&hoursLive=25");
    expect(refused.status).toBe(400);
    expect((await readProblem(refused)).type).toBe("/problems/validation");
  });

  it("costs more for more viewers and less for a longer interval", async () => {
    const h = createHarness();
    const total = async (query: string) => {
      const body = (await (await h.request(`/v1/cost-estimates?${query}`)).json()) as Comparison;
      return body.estimates.find((estimate) => estimate.architecture === "redis-snapshots-fixed")!
        .total;
    };
    expect(await total("viewers=50000")).toBeGreaterThan(await total("viewers=10000"));
    expect(await total("viewers=10000&interval=60")).toBeLessThan(
      await total("viewers=10000&interval=30"),
    );
  });

  it("prices the tabs per viewer it is given: each tab sends its own heartbeats", async () => {
    const h = createHarness();
    const edge = async (query: string) => {
      const body = (await (await h.request(`/v1/cost-estimates?${query}`)).json()) as Comparison;
      return body.estimates.find((e) => e.architecture === "dynamodb-on-demand")!.tiers;
    };
    const one = await edge("viewers=10000");
    const two = await edge("viewers=10000&tabs=2");
    expect(two.dynamoWrites).toBeCloseTo(2 * one.dynamoWrites!, 6);
    const bad = await h.request("/v1/cost-estimates?viewers=10&tabs=0.5");
    expect(bad.status).toBe(400);
    expect((await readProblem(bad)).errors?.[0]?.path).toBe("query.tabs");
  });

  it("answers 400 naming the bad parameter", async () => {
    const h = createHarness();
    for (const [query, path] of [
      ["", "query.viewers"],
      ["viewers=0", "query.viewers"],
      ["viewers=ten", "query.viewers"],
      ["viewers=10&consistency=maybe", "query.consistency"],
      ["viewers=10&packing=100", "query"],
    ]) {
      const response = await h.request(`/v1/cost-estimates?${query}`);
      expect(response.status, query).toBe(400);
      expect((await readProblem(response)).errors?.[0]?.path, query).toBe(path);
    }
  });
});
