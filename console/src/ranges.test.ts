import { describe, expect, it } from "vitest";
import { summarise } from "./ranges";

const point = (at: string, peakViewers: number, uniqueViewers: number, watchSeconds: number) => ({
  at,
  peakViewers,
  averageViewers: watchSeconds / 30,
  uniqueViewers,
  watchSeconds,
});

describe("summarise", () => {
  it("finds the peak and its time, sums watch time, averages over the covered intervals", () => {
    const summary = summarise(
      [
        point("2026-11-30T10:00:00.000Z", 4, 4, 120),
        point("2026-11-30T10:00:30.000Z", 9, 9, 270),
        point("2026-11-30T10:01:30.000Z", 6, 6, 180),
      ],
      30,
    );
    expect(summary.peak).toEqual({ viewers: 9, at: "2026-11-30T10:00:30.000Z" });
    expect(summary.watchSeconds).toBe(570);
    // 570 s over three 30-s points (the gap at 10:01:00 is not counted as zero).
    expect(summary.averageViewers).toBeCloseTo(570 / 90);
    expect(summary.busiestUnique).toBe(9);
  });

  it("says nothing of a peak when there is no point", () => {
    expect(summarise([], 300)).toEqual({ averageViewers: 0, busiestUnique: 0, watchSeconds: 0 });
  });
});
