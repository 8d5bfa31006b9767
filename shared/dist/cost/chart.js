/**
 * An SVG chart of monthly cost against concurrent viewers, log-log, one line per architecture.
 * Pure: it returns the SVG text; write-chart.ts puts it in docs/cost-chart.svg.
 */
import { ARCHITECTURES } from "./architectures.js";
import { estimateMonthlyCost } from "./estimate.js";
import { describeAssumptions } from "./format.js";
import { CURRENT_CATALOGUE } from "./prices.js";
import { ARCHITECTURE_IDS } from "./types.js";
import { defaultWorkload } from "./workload.js";
const COLOURS = {
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
const UNDERLAY = new Set(["dynamodb-on-demand", "redis-only"]);
const MARGIN = { left: 84, right: 250, top: 70, bottom: 92 };
/** Viewer counts from min to max, evenly spaced on a log scale, rounded to whole viewers. */
export function logSpacedViewers(min, max, perDecade) {
    if (!(min > 0 && max > min && perDecade >= 1)) {
        throw new RangeError(`Need 0 < minViewers < maxViewers and pointsPerDecade >= 1`);
    }
    const steps = Math.round(Math.log10(max / min) * perDecade);
    const values = Array.from({ length: steps + 1 }, (_, i) => Math.round(min * (max / min) ** (i / steps)));
    return [...new Set(values)];
}
/** The numbers behind the chart: each architecture's total at each viewer count. */
export function costChartSeries(options = {}) {
    const viewers = logSpacedViewers(options.minViewers ?? 10, options.maxViewers ?? 1_000_000, options.pointsPerDecade ?? 12);
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
function escapeXml(text) {
    return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}
/** "10", "1k", "1M" style labels for powers of ten. */
export function decadeLabel(power, prefix = "") {
    const names = { 3: "k", 6: "M", 9: "B" };
    const unit = Math.floor(power / 3) * 3;
    const suffix = unit >= 3 ? (names[unit] ?? `e${unit}`) : "";
    const mantissa = 10 ** (power - (unit >= 3 ? unit : 0));
    return `${prefix}${mantissa}${suffix}`;
}
/** The assumption line split in two at a comma near its middle. */
function assumptionLines(text) {
    const parts = text.split(", ");
    const half = Math.ceil(parts.length / 2);
    return [`Assumptions: ${parts.slice(0, half).join(", ")},`, parts.slice(half).join(", ")];
}
/** The chart as an SVG document (a string). */
export function costChartSvg(options = {}) {
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
    const x = (v) => MARGIN.left + ((Math.log10(v) - xMin) / (xMax - xMin)) * plotW;
    const y = (usd) => MARGIN.top + plotH - ((Math.log10(Math.max(usd, 10 ** yMin)) - yMin) / (yMax - yMin)) * plotH;
    const r = (n) => n.toFixed(1);
    const grid = [];
    for (let p = xMin; p <= xMax; p++) {
        for (const m of p < xMax ? [1, 2, 5] : [1]) {
            const gx = r(x(m * 10 ** p));
            grid.push(`<line x1="${gx}" y1="${MARGIN.top}" x2="${gx}" y2="${MARGIN.top + plotH}" class="${m === 1 ? "major" : "minor"}"/>`);
        }
        grid.push(`<text x="${r(x(10 ** p))}" y="${MARGIN.top + plotH + 20}" text-anchor="middle" class="tick">${decadeLabel(p)}</text>`);
    }
    for (let p = yMin; p <= yMax; p++) {
        for (const m of p < yMax ? [1, 2, 5] : [1]) {
            const gy = r(y(m * 10 ** p));
            grid.push(`<line x1="${MARGIN.left}" y1="${gy}" x2="${MARGIN.left + plotW}" y2="${gy}" class="${m === 1 ? "major" : "minor"}"/>`);
        }
        grid.push(`<text x="${MARGIN.left - 8}" y="${r(y(10 ** p) + 4)}" text-anchor="end" class="tick">${escapeXml(decadeLabel(p, "$"))}</text>`);
    }
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
        ...assumptionLines(describeAssumptions(workload)).map((line, i) => `<text x="${MARGIN.left}" y="${height - 24 + i * 14}" class="note">${escapeXml(line)}</text>`),
        ...legend,
        ...[
            "dashed: reference only, unreachable",
            "from an edge worker",
            "wide lines lie under a twin:",
            "batching saves no write units;",
            "snapshots add little to Upstash PAYG",
        ].map((text, i) => `<text x="${legendX}" y="${legendNoteY + i * 14}" class="note">${text}</text>`),
        "</svg>",
    ].join("\n");
}
