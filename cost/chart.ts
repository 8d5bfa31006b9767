/**
 * An SVG chart of monthly cost against concurrent viewers, log-log, one line per architecture.
 * Pure: it returns the SVG text; write-chart.ts puts it in docs/cost-chart.svg.
 */
import { ARCHITECTURES } from "./architectures";
import type { PriceCatalogue } from "./catalogue-types";
import { estimateMonthlyCost } from "./estimate";
import { describeAssumptions } from "./format";
import { CURRENT_CATALOGUE } from "./prices";
import { ARCHITECTURE_IDS, type ArchitectureId } from "./types";
import { defaultWorkload, type Workload } from "./workload";

export interface CostChartOptions {
  /** Smallest and largest viewer counts on the x axis. Default 10 and 1,000,000. */
  minViewers?: number;
  maxViewers?: number;
  /** Points computed per decade of viewers. Default 12. */
  pointsPerDecade?: number;
  /** Assumptions other than the viewer count. */
  workload?: Partial<Workload>;
  catalogue?: PriceCatalogue;
  architectures?: readonly ArchitectureId[];
  width?: number;
  height?: number;
}

export interface ChartSeries {
  architecture: ArchitectureId;
  label: string;
  usableFromEdge: boolean;
  points: { viewers: number; usd: number }[];
}

const COLOURS: Readonly<Record<ArchitectureId, string>> = {
  "dynamodb-on-demand": "#d62728",
  "dynamodb-provisioned": "#ff7f0e",
  "batched-heartbeat-writes": "#8c564b",
  "redis-only": "#9467bd",
  "redis-only-fixed": "#c5b0d5",
  "redis-snapshots-payg": "#1f77b4",
  "redis-snapshots-fixed": "#2ca02c",
  "elasticache-snapshots": "#7f7f7f",
  "durable-objects-snapshots": "#e377c2",
  "websocket-shards-snapshots": "#17becf",
};

/** Lines that the next series hides almost exactly are drawn wide underneath it. */
const UNDERLAY: ReadonlySet<ArchitectureId> = new Set(["dynamodb-on-demand", "redis-only"]);

const MARGIN = { left: 84, right: 250, top: 70, bottom: 92 };

/** Viewer counts from min to max, evenly spaced on a log scale, rounded to whole viewers. */
export function logSpacedViewers(min: number, max: number, perDecade: number): number[] {
  if (!(min > 0 && max > min && perDecade >= 1)) {
    throw new RangeError(`Need 0 < minViewers < maxViewers and pointsPerDecade >= 1`);
  }
  const steps = Math.round(Math.log10(max / min) * perDecade);
  const values = Array.from({ length: steps + 1 }, (_, i) =>
    Math.round(min * (max / min) ** (i / steps)),
  );
  return [...new Set(values)];
}

/** The numbers behind the chart: each architecture's total at each viewer count. */
export function costChartSeries(options: CostChartOptions = {}): ChartSeries[] {
  const viewers = logSpacedViewers(
    options.minViewers ?? 10,
    options.maxViewers ?? 1_000_000,
    options.pointsPerDecade ?? 12,
  );
  const catalogue = options.catalogue ?? CURRENT_CATALOGUE;
  return (options.architectures ?? ARCHITECTURE_IDS).map((id) => ({
    architecture: id,
    label: ARCHITECTURES[id].label,
    usableFromEdge: ARCHITECTURES[id].usableFromEdge,
    points: viewers.map((v) => ({
      viewers: v,
      usd: estimateMonthlyCost(defaultWorkload({ ...options.workload, viewers: v }), id, catalogue)
        .total,
    })),
  }));
}

function escapeXml(text: string): string {
  return text.replace(
    /[&<>"]/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!,
  );
}

/** "10", "1k", "1M" style labels for powers of ten. */
export function decadeLabel(power: number, prefix = ""): string {
  const names: Record<number, string> = { 3: "k", 6: "M", 9: "B" };
  const unit = Math.floor(power / 3) * 3;
  const suffix = unit >= 3 ? (names[unit] ?? `e${unit}`) : "";
  const mantissa = 10 ** (power - (unit >= 3 ? unit : 0));
  return `${prefix}${mantissa}${suffix}`;
}

/** The assumption line split in two at a comma near its middle. */
function assumptionLines(text: string): string[] {
  const parts = text.split(", ");
  const half = Math.ceil(parts.length / 2);
  return [`Assumptions: ${parts.slice(0, half).join(", ")},`, parts.slice(half).join(", ")];
}

/**
 * The grid of one log axis from 10^min to 10^max: a line at 1, 2 and 5 of each decade ("major"
 * at 1, "minor" otherwise; only 1 in the last), and after each decade's lines its tick label.
 */
function logGrid(
  min: number,
  max: number,
  gridLine: (value: number, cls: "major" | "minor") => string,
  tickLabel: (power: number) => string,
): string[] {
  const out: string[] = [];
  for (let p = min; p <= max; p++) {
    for (const m of p < max ? [1, 2, 5] : [1]) {
      out.push(gridLine(m * 10 ** p, m === 1 ? "major" : "minor"));
    }
    out.push(tickLabel(p));
  }
  return out;
}

/** The chart as an SVG document (a string). */
export function costChartSvg(options: CostChartOptions = {}): string {
  const width = options.width ?? 960;
  const height = options.height ?? 600;
  const series = costChartSeries(options);
  const workload = defaultWorkload({ ...options.workload });
  const catalogue = options.catalogue ?? CURRENT_CATALOGUE;
  const all = series.flatMap((s) => s.points);
  const xMin = Math.floor(Math.log10(Math.min(...all.map((p) => p.viewers))));
  const xMax = Math.ceil(Math.log10(Math.max(...all.map((p) => p.viewers))));
  const yMin = Math.floor(Math.log10(Math.max(0.01, Math.min(...all.map((p) => p.usd)))));
  const yMax = Math.ceil(Math.log10(Math.max(...all.map((p) => p.usd))));
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const x = (v: number) => MARGIN.left + ((Math.log10(v) - xMin) / (xMax - xMin)) * plotW;
  const y = (usd: number) =>
    MARGIN.top + plotH - ((Math.log10(Math.max(usd, 10 ** yMin)) - yMin) / (yMax - yMin)) * plotH;
  const r = (n: number) => n.toFixed(1);

  const vertical = (gx: string, cls: string) =>
    `<line x1="${gx}" y1="${MARGIN.top}" x2="${gx}" y2="${MARGIN.top + plotH}" class="${cls}"/>`;
  const horizontal = (gy: string, cls: string) =>
    `<line x1="${MARGIN.left}" y1="${gy}" x2="${MARGIN.left + plotW}" y2="${gy}" class="${cls}"/>`;
  const grid = [
    ...logGrid(
      xMin,
      xMax,
      (v, cls) => vertical(r(x(v)), cls),
      (p) =>
        `<text x="${r(x(10 ** p))}" y="${MARGIN.top + plotH + 20}" text-anchor="middle" class="tick">${decadeLabel(p)}</text>`,
    ),
    ...logGrid(
      yMin,
      yMax,
      (v, cls) => horizontal(r(y(v)), cls),
      (p) =>
        `<text x="${MARGIN.left - 8}" y="${r(y(10 ** p) + 4)}" text-anchor="end" class="tick">${escapeXml(decadeLabel(p, "$"))}</text>`,
    ),
  ];

  const lines = series.map((s) => {
    const points = s.points.map((p) => `${r(x(p.viewers))},${r(y(p.usd))}`).join(" ");
    const dash = s.usableFromEdge ? "" : ' stroke-dasharray="6 4"';
    const wide = UNDERLAY.has(s.architecture) ? ' style="stroke-width:7;stroke-opacity:0.55"' : "";
    return `<polyline data-architecture="${s.architecture}" points="${points}" stroke="${COLOURS[s.architecture]}"${dash}${wide}/>`;
  });

  const legendX = MARGIN.left + plotW + 20;
  const legend = series.map((s, i) => {
    const ly = MARGIN.top + 10 + i * 24;
    const dash = s.usableFromEdge ? "" : ' stroke-dasharray="6 4"';
    return [
      `<line x1="${legendX}" y1="${ly}" x2="${legendX + 24}" y2="${ly}" stroke="${COLOURS[s.architecture]}" stroke-width="${UNDERLAY.has(s.architecture) ? 7 : 3}"${UNDERLAY.has(s.architecture) ? ' stroke-opacity="0.55"' : ""}${dash}/>`,
      `<text x="${legendX + 32}" y="${ly + 4}" class="legend">${escapeXml(s.label)}</text>`,
    ].join("");
  });
  const legendNoteY = MARGIN.top + 18 + series.length * 24;

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<title>Monthly cost against concurrent viewers, per architecture</title>`,
    "<style>.major{stroke:#ccc;stroke-width:1}.minor{stroke:#eee;stroke-width:1}.tick{font-size:12px;fill:#333}.legend{font-size:13px;fill:#222}.note{font-size:11px;fill:#555}polyline{fill:none;stroke-width:2.5;stroke-linejoin:round}</style>",
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${MARGIN.left}" y="30" font-size="18" font-weight="bold" fill="#111">Monthly cost by architecture (USD, log-log)</text>`,
    `<text x="${MARGIN.left}" y="50" class="note">Prices ${escapeXml(catalogue.id)}; every heartbeat is a Workers request; Upstash fixed: the cheapest plan one database of which fits, else the cheapest set.</text>`,
    ...grid,
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
    ...lines,
    `<text x="${MARGIN.left + plotW / 2}" y="${height - 48}" text-anchor="middle" class="legend">Concurrent viewers (log scale)</text>`,
    `<text transform="translate(22 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle" class="legend">USD per month (log scale)</text>`,
    ...assumptionLines(describeAssumptions(workload)).map(
      (line, i) =>
        `<text x="${MARGIN.left}" y="${height - 24 + i * 14}" class="note">${escapeXml(line)}</text>`,
    ),
    ...legend,
    ...[
      "dashed: reference only, unreachable",
      "from an edge worker",
      "wide lines lie under a twin:",
      "batching saves no write units;",
      "snapshots add little to Upstash PAYG",
    ].map(
      (text, i) => `<text x="${legendX}" y="${legendNoteY + i * 14}" class="note">${text}</text>`,
    ),
    "</svg>",
  ].join("\n");
}
