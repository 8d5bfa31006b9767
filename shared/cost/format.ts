/** Plain-text rendering of estimates: a table of architectures by tier, then limits and notes. */
import type { CostEstimate, LimitCheck } from "./types";
import type { Workload } from "./workload";

const usdFormat = new Intl.NumberFormat("en-US", {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});
const countFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** Dollars with thousands separators and cents, e.g. "1,234.56". */
export function formatUsd(value: number): string {
  return usdFormat.format(value);
}

/** A quantity in the unit a person reads it in (bytes as MB/GB/TB). */
export function formatQuantity(value: number, unit: string): string {
  if (unit === "bytes" || unit === "bytes/month") {
    const suffix = unit === "bytes/month" ? "/month" : "";
    for (const [size, name] of [
      [1e12, "TB"],
      [1e9, "GB"],
      [1e6, "MB"],
      [1e3, "KB"],
    ] as const) {
      if (value >= size) return `${(value / size).toFixed(1)} ${name}${suffix}`;
    }
    return `${countFormat.format(value)} B${suffix}`;
  }
  return `${countFormat.format(value)} ${unit}`;
}

export function formatLimit(l: LimitCheck): string {
  return `${l.name}: ${formatQuantity(l.used, l.unit)} of ${formatQuantity(l.limit, l.unit)} (${l.status})`;
}

const COLUMNS = [
  ["Edge", (e: CostEstimate) => e.tiers.edge],
  ["Redis", (e: CostEstimate) => e.tiers.redis],
  ["DDB writes", (e: CostEstimate) => e.tiers.dynamoWrites],
  ["DDB reads", (e: CostEstimate) => e.tiers.dynamoReads],
  ["DDB storage", (e: CostEstimate) => e.tiers.dynamoStorage],
  ["Transfer", (e: CostEstimate) => e.tiers.transfer],
  ["Total", (e: CostEstimate) => e.total],
] as const;

function limitSummary(e: CostEstimate): string {
  const exceeded = e.limits.filter((l) => l.status === "exceeded").length;
  const binding = e.limits.filter((l) => l.status === "binding").length;
  const parts = [
    ...(e.usableFromEdge ? [] : ["unusable from edge"]),
    ...(exceeded > 0 ? [`${exceeded} exceeded`] : []),
    ...(binding > 0 ? [`${binding} binding`] : []),
  ];
  return parts.length > 0 ? parts.join(", ") : "ok";
}

/** The assumptions of a workload other than its viewer count, as one line. */
export function describeAssumptions(w: Workload): string {
  return [
    `${w.stages} stages`,
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
export function describeWorkload(w: Workload): string {
  return `${countFormat.format(w.viewers)} viewers; ${describeAssumptions(w)}`;
}

/** The comparison as an aligned text table followed by each architecture's limits and notes. */
export function formatComparison(estimates: readonly CostEstimate[], workload: Workload): string {
  const first = estimates[0];
  const header = [
    `Monthly cost in USD${first ? ` (${first.catalogueId}, prices as of ${first.pricesAsOf})` : ""}`,
    describeWorkload(workload),
    "",
  ];
  const rows = [
    ["Architecture", ...COLUMNS.map(([name]) => name), "Limits"],
    ...estimates.map((e) => [
      e.label,
      ...COLUMNS.map(([, get]) => formatUsd(get(e))),
      limitSummary(e),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const table = rows.map((r) =>
    r
      .map((cell, i) =>
        i === 0 || i === r.length - 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!),
      )
      .join("  ")
      .trimEnd(),
  );
  const details = estimates.flatMap((e) => [
    "",
    `${e.label}${e.plan ? ` [${e.plan.databases} x ${e.plan.name}]` : ""}`,
    ...e.limits.filter((l) => l.status !== "ok").map((l) => `  ! ${formatLimit(l)}`),
    ...e.notes.map((n) => `  - ${n}`),
  ]);
  return [...header, ...table, ...details].join("\n");
}
