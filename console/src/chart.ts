import { DAY_MS, HOUR_MS } from "@viewer-presence/shared/windows";
import uPlot from "uplot";
import { formatMoment } from "./format";

/** uPlot's time axis counts in seconds. */
const SECOND = 1;
const MINUTE = 60 * SECOND;
const HOUR = HOUR_MS / 1000;
const DAY = DAY_MS / 1000;
/**
 * The time axis' labels in 24-hour time, like the console's tables (uPlot's own are 12-hour:
 * "2:35pm"). uPlot's format: per tick spacing (s) at least the first column, the label of
 * each tick, then what is added below it where the year, month, day, hour, minute or second
 * rolls over (null: nothing), and 1 (add to the label rather than replace it).
 */
export const AXIS_24H: (string | number | null)[][] = [
  [365 * DAY, "{YYYY}", null, null, null, null, null, null, 1],
  [28 * DAY, "{MMM}", "\n{YYYY}", null, null, null, null, null, 1],
  [DAY, "{MMM} {D}", "\n{YYYY}", null, null, null, null, null, 1],
  [HOUR, "{HH}:{mm}", "\n{MMM} {D}", null, "\n{MMM} {D}", null, null, null, 1],
  [MINUTE, "{HH}:{mm}", "\n{MMM} {D}", null, "\n{MMM} {D}", null, null, null, 1],
  [
    SECOND,
    ":{ss}",
    "\n{MMM} {D} {HH}:{mm}",
    null,
    "\n{MMM} {D} {HH}:{mm}",
    null,
    "\n{HH}:{mm}",
    null,
    1,
  ],
];

export interface ChartSeries {
  label: string;
  /** One value per x; `null` where there is none. */
  values: (number | null)[];
  /** A CSS colour. */
  stroke: string;
}

export interface TimeChart {
  /**
   * Draws new data: `xs` in epoch seconds, oldest first; `xRange` (epoch seconds) the span to
   * show, e.g. the whole last hour even where it has no point yet (default: the data's own).
   */
  update(xs: number[], series: ChartSeries[], xRange?: [number, number]): void;
  destroy(): void;
}

/**
 * A time chart drawn by uPlot on a canvas, sized to its container (and again when that
 * resizes). `sparkline` draws the line alone (no axes, legend or cursor), for table rows.
 * The container's `data-points` attribute tells how many points uPlot holds, for tests and
 * for assistive text.
 */
export function timeChart(
  container: HTMLElement,
  options: { height: number; sparkline?: boolean; label: string },
): TimeChart {
  let plot: uPlot | undefined;
  let labels = "";
  let span: [number, number] | undefined;
  container.setAttribute("role", "img");
  container.setAttribute("aria-label", options.label);

  const width = () => Math.max(80, Math.floor(container.getBoundingClientRect().width));
  const resize = new ResizeObserver(() =>
    plot?.setSize({ width: width(), height: options.height }),
  );
  resize.observe(container);

  const make = (series: ChartSeries[], data: uPlot.AlignedData) => {
    plot?.destroy();
    const sparkline = options.sparkline === true;
    plot = new uPlot(
      {
        width: width(),
        height: options.height,
        legend: { show: !sparkline },
        cursor: { show: !sparkline },
        select: { show: false, left: 0, top: 0, width: 0, height: 0 },
        scales: {
          x: { time: true, range: (_u, min, max) => span ?? [min, max] },
          y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
        },
        axes: sparkline
          ? [{ show: false }, { show: false }]
          : [
              { stroke: "#667", values: AXIS_24H },
              { stroke: "#667", size: 50 },
            ],
        series: [
          // The legend's time, as the tables write it ("Dec 7, 14:05"); "--" off the chart, as uPlot.
          { value: (_u, seconds) => (seconds == null ? "--" : formatMoment(seconds * 1000)) },
          ...series.map((s) => ({
            label: s.label,
            stroke: s.stroke,
            width: sparkline ? 1.5 : 2,
            points: { show: !sparkline && data[0].length <= 40 },
          })),
        ],
      },
      data,
      container,
    );
  };

  return {
    update(xs, series, xRange) {
      span = xRange;
      const data: uPlot.AlignedData = [xs, ...series.map((s) => s.values)];
      const names = series.map((s) => s.label).join("|");
      if (plot === undefined || names !== labels) {
        labels = names;
        make(series, data);
      } else {
        plot.setData(data);
      }
      container.dataset.points = String(plot!.data[0].length);
    },
    destroy() {
      resize.disconnect();
      plot?.destroy();
      plot = undefined;
    },
  };
}
