import { describe, expect, it } from "vitest";
import { costChartSeries, costChartSvg, decadeLabel, logSpacedViewers } from "./chart";
import { ARCHITECTURE_IDS } from "./types";

describe("logSpacedViewers", () => {
  it("spans 10 to 1,000,000 evenly on a log scale", () => {
    const v = logSpacedViewers(10, 1_000_000, 4);
    expect(v[0]).toBe(10);
    expect(v.at(-1)).toBe(1_000_000);
    expect(v).toHaveLength(21);
    expect(v[4]).toBe(100);
  });

  it("rejects an empty range", () => {
    expect(() => logSpacedViewers(100, 10, 4)).toThrow(RangeError);
  });
});

describe("decadeLabel", () => {
  it("labels powers of ten compactly", () => {
    expect([1, 2, 3, 4, 5, 6].map((p) => decadeLabel(p))).toEqual([
      "10",
      "100",
      "1k",
      "10k",
      "100k",
      "1M",
    ]);
    expect(decadeLabel(0, "$")).toBe("$1");
  });
});

describe("costChartSvg", () => {
  const svg = costChartSvg({ pointsPerDecade: 3 });

  it("is one SVG document with a title", () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect(svg).toContain("<title>");
  });

  it("draws one line and one legend entry per architecture", () => {
    for (const id of ARCHITECTURE_IDS) expect(svg).toContain(`data-architecture="${id}"`);
    expect(svg.match(/<polyline /g)).toHaveLength(ARCHITECTURE_IDS.length);
    expect(svg).toContain("Upstash fixed + snapshots");
  });

  it("labels both log axes from 10 to 1M viewers and in dollars", () => {
    for (const label of ["10", "100", "1k", "10k", "100k", "1M"])
      expect(svg).toContain(`class="tick">${label}<`);
    expect(svg).toMatch(/class="tick">\$1k</);
    expect(svg).toContain("Concurrent viewers (log scale)");
  });

  it("keeps every point inside the plot area", () => {
    const [, w, h] = svg.match(/viewBox="0 0 (\d+) (\d+)"/) ?? [];
    for (const [, points] of svg.matchAll(/points="([^"]+)"/g)) {
      for (const pair of points!.split(" ")) {
        const [x, y] = pair.split(",").map(Number);
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(Number(w));
        expect(y).toBeGreaterThanOrEqual(0);
        expect(y).toBeLessThanOrEqual(Number(h));
      }
    }
  });

  it("draws higher costs higher up", () => {
    const series = costChartSeries({ pointsPerDecade: 3 });
    const payg = series.find((s) => s.architecture === "redis-snapshots-payg")!;
    expect(payg.points.at(-1)!.usd).toBeGreaterThan(payg.points[0]!.usd);
    const line = svg.match(/data-architecture="redis-snapshots-payg" points="([^"]+)"/)![1]!;
    const ys = line.split(" ").map((p) => Number(p.split(",")[1]));
    expect(ys.at(-1)!).toBeLessThan(ys[0]!);
  });
});
