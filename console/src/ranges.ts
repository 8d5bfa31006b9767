import { CONCURRENCY_SLOT_SEC, DAY_MS, HOUR_MS, WINDOW_SEC } from "@viewer-presence/shared/windows";

/**
 * The Stage page's chart ranges: how far back, and the series resolution that fits, with the
 * seconds one point of it covers (a 30-s point is a snapshot's concurrency slot, a 5-min one its
 * window, then the sync job's hour and day rollups).
 */
export const RANGES = [
  {
    id: "hour",
    label: "Last hour",
    spanMs: HOUR_MS,
    resolution: "30s",
    stepSec: CONCURRENCY_SLOT_SEC,
  },
  { id: "day", label: "Last day", spanMs: DAY_MS, resolution: "5m", stepSec: WINDOW_SEC },
  { id: "week", label: "Last week", spanMs: 7 * DAY_MS, resolution: "1h", stepSec: HOUR_MS / 1000 },
  {
    id: "month",
    label: "Last 30 days",
    spanMs: 30 * DAY_MS,
    resolution: "1d",
    stepSec: DAY_MS / 1000,
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
