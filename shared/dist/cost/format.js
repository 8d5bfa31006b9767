/**
 * Plain-text rendering of estimates, no line wider than {@link LINE_WIDTH}: what was priced, a
 * table of architectures, this system's bill line by line (bill-format.ts), then each
 * architecture's limits, notes and options.
 */
import { formatSystemBill } from "./bill-format.js";
import { formatCount, formatUsd, formatWholeUsd, LINE_WIDTH, plural, wrap } from "./text.js";
export { formatUsd } from "./text.js";
/** A quantity in the unit a person reads it in (bytes as MB/GB/TB). */
export function formatQuantity(value, unit) {
    if (unit === "bytes" || unit === "bytes/month") {
        const suffix = unit === "bytes/month" ? "/month" : "";
        for (const [size, name] of [
            [1e12, "TB"],
            [1e9, "GB"],
            [1e6, "MB"],
            [1e3, "KB"],
        ]) {
            if (value >= size)
                return `${(value / size).toFixed(1)} ${name}${suffix}`;
        }
        return `${formatCount(value)} B${suffix}`;
    }
    return `${formatCount(value)} ${unit}`;
}
export function formatLimit(l) {
    return `${l.name}: ${formatQuantity(l.used, l.unit)} of ${formatQuantity(l.limit, l.unit)} (${l.status})`;
}
const COLUMNS = [
    ["Workers", (e) => e.tiers.edge],
    ["Objects", (e) => e.tiers.objects],
    ["Logs", (e) => e.tiers.logs],
    ["Hot store", (e) => e.tiers.redis],
    [
        "DynamoDB",
        (e) => e.tiers.dynamoWrites + e.tiers.dynamoReads + e.tiers.dynamoStorage,
    ],
    ["Transfer", (e) => e.tiers.transfer],
    ["Total", (e) => e.total],
];
function limitSummary(e) {
    const exceeded = e.limits.filter((l) => l.status === "exceeded").length;
    const binding = e.limits.filter((l) => l.status === "binding").length;
    const parts = [
        ...(e.usableFromEdge ? [] : ["VPC only"]),
        ...(exceeded > 0 ? [`${exceeded} over`] : []),
        ...(binding > 0 ? [`${binding} near`] : []),
    ];
    return parts.length > 0 ? parts.join(", ") : "ok";
}
/** The assumptions of a workload other than its viewer count, as one line. */
export function describeAssumptions(w) {
    return [
        `${w.stages} stages`,
        `${w.hoursLivePerDay} h live a day, peak x${w.peakToAverage}`,
        `heartbeat every ${w.heartbeatIntervalSec} s (x${w.heartbeatsPerTabInterval} sent, ${w.tabsPerViewer} tab a viewer)`,
        `${w.redisCommandsPerHeartbeat} commands / ${w.redisBytesPerHeartbeat} B${w.redisBandwidthCountsHeaders === 1 ? ` + ${w.redisHeaderBytesPerHeartbeat} B of headers` : ""} per heartbeat`,
        `${w.workerCpuMsPerHeartbeat} ms CPU`,
        `${w.redisBytesPerViewer} B of Redis a viewer`,
        `snapshots every ${w.snapshotIntervalSec} s`,
        `packing ${w.viewingRecordPackingFactor}`,
        `${w.consistency} reads`,
        `${w.hoursPerMonth} h/month`,
    ].join(", ");
}
/** One line describing the workload the table was priced for. */
export function describeWorkload(w) {
    return `${formatCount(w.viewers)} viewers; ${describeAssumptions(w)}`;
}
/** What was priced, for a buyer: the audience, then the per-heartbeat figures. */
function header(estimates, w) {
    const first = estimates[0];
    const peak = w.viewers * w.peakToAverage;
    return [
        `Monthly cost in USD, prices as of ${first?.pricesAsOf ?? "?"} (us-east-1; sources: shared/cost/prices.ts)`,
        ...wrap(`Audience: ${formatCount(w.viewers)} viewers on average while live, ${w.hoursLivePerDay} h a day, peaking at x${w.peakToAverage} (${formatCount(peak)}); ${plural(w.stages, "stage")}; ${plural(w.tabsPerViewer, "tab")} a viewer; ${w.sessionMinutes}-minute sessions; ${Math.round(w.anonymousViewerShare * 100)} % anonymous.`),
        ...wrap(`Per heartbeat: ${w.redisCommandsPerHeartbeat} Upstash commands, ${w.redisBytesPerHeartbeat} B (bodies), ${w.workerCpuMsPerHeartbeat} ms of Worker CPU; a tab sends ${w.heartbeatsPerTabInterval} every ${w.heartbeatIntervalSec} s (measured: shared/cost/measured.ts). Change any input: npm run cost -- --help`),
    ];
}
function table(estimates) {
    const rows = [
        ["Architecture", ...COLUMNS.map(([name]) => name), "Limits"],
        ...estimates.map((e) => [
            e.label,
            ...COLUMNS.map(([, get]) => formatWholeUsd(get(e))),
            limitSummary(e),
        ]),
    ];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    return rows.map((r) => r
        .map((cell, i) => i === 0 || i === r.length - 1 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))
        .join("  ")
        .trimEnd());
}
function details(e) {
    return [
        "",
        `${e.label}${e.plan ? ` [${e.plan.databases} x ${e.plan.name}]` : ""}`,
        ...e.limits
            .filter((l) => l.status !== "ok")
            .flatMap((l) => wrap(formatLimit(l), "    ", LINE_WIDTH, "  ! ")),
        ...e.notes.flatMap((n) => wrap(n, "    ", LINE_WIDTH, "  - ")),
        ...e.options.flatMap((o) => wrap(`option, +${formatUsd(o.monthlyUsd)}: ${o.name}. ${o.note}`, "    ", LINE_WIDTH, "  + ")),
    ];
}
/**
 * The architectures a buyer of this system runs, whose bills are shown line by line: over HTTP
 * heartbeats, and over the WebSocket transport.
 */
const THIS_SYSTEM = ["redis-snapshots-fixed", "websocket-shards-snapshots"];
/**
 * The comparison as text: what was priced, a table of architectures (whole dollars; `Limits`
 * counts those near (80 %+) or over), this system's bill with its range and options, then each
 * architecture's limits, notes and options.
 */
export function formatComparison(estimates, workload) {
    const ours = THIS_SYSTEM.flatMap((id) => estimates.filter((e) => e.architecture === id));
    return [
        ...header(estimates, workload),
        "",
        ...table(estimates),
        ...ours.flatMap((e) => ["", ...formatSystemBill(e, workload)]),
        ...estimates.flatMap(details),
    ].join("\n");
}
