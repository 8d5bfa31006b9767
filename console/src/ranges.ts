/** The Stage page's chart ranges: how far back, and the series resolution that fits. */
export const RANGES = [
  { id: "hour", label: "Last hour", spanMs: 3_600_000, resolution: "30s", stepSec: 30 },
  { id: "day", label: "Last day", spanMs: 86_400_000, resolution: "5m", stepSec: 300 },
  { id: "week", label: "Last week", spanMs: 7 * 86_400_000, resolution: "1h", stepSec: 3600 },
  {
    id: "month",
    label: "Last 30 days",
    spanMs: 30 * 86_400_000,
    resolution: "1d",
    stepSec: 86_400,
  },
] as const;

export type Range = (typeof RANGES)[number];

export interface SeriesPoint {
  at: string;
  peakViewers: number;
  averageViewers: number;
  uniqueViewers: number;
  watchSeconds: number;
}

export interface RangeSummary {
  peak?: { viewers: number; at: string };
  /** Watch time over the intervals that have a point, as concurrent viewers. */
  averageViewers: number;
  /** The most distinct viewers of one interval (distinct viewers do not add up across them). */
  busiestUnique: number;
  watchSeconds: number;
}

/** What the Stage page says about a range, from its series points. */
export function summarise(points: readonly SeriesPoint[], stepSec: number): RangeSummary {
  let peak: RangeSummary["peak"];
  let watchSeconds = 0;
  let busiestUnique = 0;
  for (const point of points) {
    if (peak === undefined || point.peakViewers > peak.viewers)
      peak = { viewers: point.peakViewers, at: point.at };
    watchSeconds += point.watchSeconds;
    busiestUnique = Math.max(busiestUnique, point.uniqueViewers);
  }
  const coveredSec = points.length * stepSec;
  return {
    ...(peak ? { peak } : {}),
    averageViewers: coveredSec === 0 ? 0 : watchSeconds / coveredSec,
    busiestUnique,
    watchSeconds,
  };
}
