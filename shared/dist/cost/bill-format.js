/**
 * This system's bill as a buyer reads it: each line with the quantity behind it, the range the
 * total moves in and what moves it, the options left out of the total, and how many viewers one
 * database carries.
 */
import { viewersPerDatabase } from "./capacity.js";
import { formatCount, formatUsd, formatWholeUsd, LINE_WIDTH, plural, wrap } from "./text.js";
const MILLION = 1e6;
const millions = (v) => `${v < 10 * MILLION ? (v / MILLION).toFixed(1) : formatCount(v / MILLION)} M`;
const gb = (v) => `${v < 10 ? v.toFixed(1) : formatCount(v)} GB`;
/** Upstash's per-database command limits: most plans, and the two largest. */
const COMMAND_LIMITS = [10_000, 16_000];
function line(label, usd, what) {
    const head = `  ${label.padEnd(24)}${formatUsd(usd).padStart(10)}  `;
    return wrap(what, " ".repeat(head.length), LINE_WIDTH, head);
}
function billLines(e, w) {
    const c = e.counts;
    const logs = w.invocationLogSampling === 0
        ? `${formatCount(c.logEvents)} events, the sync job's line a run and database (invocation logs off, wrangler.toml)`
        : `${millions(c.logEvents)} events, ${gb(c.logIngestGb)} (invocation logs at ${w.invocationLogSampling})`;
    const sockets = c.objectRequests > 0;
    return [
        ...line("Workers", e.tiers.edge, `${millions(c.workerRequests)} requests (${sockets ? "WebSocket upgrades" : "heartbeats, leaves"}, tokens, cron, consoles) and ${millions(c.workerCpuMs)} CPU-ms; 10 M and 30 M included, $5 plan`),
        ...(sockets
            ? line("Durable Objects", e.tiers.objects, `${millions(c.objectRequests)} requests (upgrades, messages counted 20 to 1, flush alarms) and ${formatCount(c.objectGbSeconds)} GB-s; 1 M and 400,000 GB-s included`)
            : []),
        ...line("Workers Logs", e.tiers.logs, logs),
        ...line("Upstash", e.tiers.redis, `${e.plan?.databases ?? 1} x ${e.plan?.name ?? "?"}: ${gb(c.redisBandwidthGb)} a month, ${formatCount(c.redisPeakCommandsPerSec)} commands/s at peak`),
        ...line("DynamoDB writes", e.tiers.dynamoWrites, `${millions(c.dynamoWriteUnits)} write units: snapshots, viewing records, rollups, day totals`),
        ...line("DynamoDB reads", e.tiers.dynamoReads, `${millions(c.dynamoReadUnits)} read units: ${plural(w.dashboards, "console")} polling every ${w.dashboardPollSec} s`),
        ...line("DynamoDB storage", e.tiers.dynamoStorage, `${gb(c.dynamoStorageGb)} at month ${w.historyMonths} (100 B of overhead an item; 25 GB free)`),
        ...line("AWS transfer out", e.tiers.transfer, `${gb(c.transferOutGb)} to the edge (100 GB free)`),
        `  ${"Total".padEnd(24)}${formatUsd(e.total).padStart(10)}`,
    ];
}
function rangeLines(e) {
    if (e.range === undefined || e.range.movers.length === 0)
        return [];
    return [
        `What moves it (the measured figures are the base; each alone, then together):`,
        ...e.range.movers.flatMap((m) => {
            const head = `  ${formatUsd(m.total).padStart(10)}  `;
            return wrap(m.name, " ".repeat(head.length), LINE_WIDTH, head);
        }),
    ];
}
function optionLines(e) {
    if (e.options.length === 0)
        return [];
    return [
        "Options, not in the total:",
        ...e.options.flatMap((o) => {
            const head = `  +${formatUsd(o.monthlyUsd).padStart(9)}  `;
            return wrap(`${o.name}. ${o.note}`, " ".repeat(head.length), LINE_WIDTH, head);
        }),
    ];
}
function scaleLines(w) {
    const [most, largest] = COMMAND_LIMITS.map((limit) => formatCount(Math.round(viewersPerDatabase(w, limit) / 1000) * 1000));
    return wrap(`Scale: one database at ${formatCount(COMMAND_LIMITS[0])} commands/s carries about ${most} viewers (${formatCount(COMMAND_LIMITS[1])}/s, the two largest plans: ${largest}) at these inputs: their peak x${w.peakToAverage}, ${plural(w.tabsPerViewer, "tab")}, ${w.heartbeatsPerTabInterval} heartbeats a tab every ${w.heartbeatIntervalSec} s, ${w.redisCommandsPerHeartbeat} commands each. Bandwidth and the plan's size decide sooner (notes below).`);
}
/** This system's bill: lines, range, options and scale, as text lines. */
export function formatSystemBill(e, w) {
    const range = e.range === undefined
        ? ""
        : `, from $${formatWholeUsd(e.range.low)} to $${formatWholeUsd(e.range.high)} as the unknowns move`;
    return [
        ...wrap(`This system (${e.label}): $${formatUsd(e.total)} a month${range}`),
        ...billLines(e, w),
        ...rangeLines(e),
        ...optionLines(e),
        // How many viewers a database carries is a heartbeat figure; a shard's flush does not grow with them.
        ...(e.counts.objectRequests > 0 ? [] : scaleLines(w)),
    ];
}
