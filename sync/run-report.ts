/** What one sync run did; logged as one JSON line and returned (or carried by its error). */
export interface RunReport {
  runId: string;
  /** With several Redis databases: how many this report covers (each run covers one). */
  databases?: number;
  /** ISO time the run started (by the injected clock). */
  startedAt: string;
  /**
   * ISO time the run finished (by the injected clock): with `startedAt`, what shows whether the
   * runs over several databases overlapped. For a combined report, the last to finish.
   */
  finishedAt?: string;
  /** Set when the run did nothing because another run held the lock. */
  skipped?: "locked";
  /**
   * Set when Redis had no mark that its stage registry is complete (`m` is not `full`): a new
   * database, or one that lost its data. The run then checked every stage against DynamoDB
   * (`stages`), wrote back the copies that were missing (`stagesPutBack`: 0 on a new database,
   * nothing was lost) and set live stages' estimates from their last snapshots (`estimates`).
   */
  restored?: { stages: number; stagesPutBack: number; estimates: number };
  /** Stages that had closed windows synced. */
  stages: number;
  /** Closed windows synced (snapshot and records confirmed, hot data deleted). */
  windows: number;
  /** Closed windows left for the next run (over `maxWindows`). */
  deferredWindows: number;
  /**
   * Closed windows Redis did not list as synced that the ledger showed DynamoDB holds whole
   * (Redis lost data since they were written): marked synced, not written again.
   */
  alreadySynced?: number;
  /** Stage copies in Redis written or removed to agree with DynamoDB (unsettled marks). */
  settledStages?: number;
  snapshots: number;
  /** Packed items holding viewing records (made; `items` counts what DynamoDB confirmed). */
  viewingRecordItems: number;
  /** Viewing records (one per viewer per window) inside those items. */
  viewingRecords: number;
  /** Audit events moved from Redis streams to DynamoDB. */
  auditEvents: number;
  /** Ended epochs whose viewer index (`ix:`, `il:`) was deleted, all their windows synced. */
  droppedIndexes: number;
  /** Ended broadcasts summarised (sync/history/broadcast-summaries.ts). */
  broadcasts?: number;
  /** Stage-days whose per-viewer watch time was written (sync/history/viewer-days.ts). */
  viewerDays?: number;
  /** With a hot-path budget: live viewers over all stages, and the interval chosen for them (s). */
  liveViewers?: number;
  heartbeatIntervalSec?: number;
  /** Items DynamoDB confirmed, all kinds. */
  items: number;
  /** Write capacity units consumed (ConsumedCapacity, summed). */
  writeUnits: number;
  /** Read capacity units the ledger's checks consumed (sync/windows/window-ledger.ts). */
  ledgerReadUnits?: number;
  /** BatchWriteItem calls that resent unprocessed items. */
  retries: number;
  /** Wall-clock duration, in ms. */
  durationMs: number;
  /** What failed, one line each; a report with errors comes with a thrown {@link SyncRunError}. */
  errors?: string[];
}

export function emptyReport(runId: string, startedAtMs: number): RunReport {
  return {
    runId,
    startedAt: new Date(startedAtMs).toISOString(),
    stages: 0,
    windows: 0,
    deferredWindows: 0,
    snapshots: 0,
    viewingRecordItems: 0,
    viewingRecords: 0,
    auditEvents: 0,
    droppedIndexes: 0,
    items: 0,
    writeUnits: 0,
    retries: 0,
    durationMs: 0,
  };
}

/**
 * One report for the runs over several Redis databases (one run each, same run id): counters
 * summed, errors prefixed with the database's position, skipped only when every run was.
 */
export function combineReports(reports: readonly RunReport[]): RunReport {
  if (reports.length === 1) return reports[0]!;
  const first = reports[0]!;
  const combined: RunReport = { ...emptyReport(first.runId, Date.parse(first.startedAt)) };
  combined.databases = reports.length;
  const counters = [
    "stages",
    "windows",
    "deferredWindows",
    "snapshots",
    "viewingRecordItems",
    "viewingRecords",
    "auditEvents",
    "droppedIndexes",
    "items",
    "writeUnits",
    "retries",
    "durationMs",
  ] as const;
  const errors: string[] = [];
  reports.forEach((report, database) => {
    for (const counter of counters) combined[counter] += report[counter];
    for (const error of report.errors ?? []) errors.push(`database ${database}: ${error}`);
    if (report.restored) {
      combined.restored = {
        stages: (combined.restored?.stages ?? 0) + report.restored.stages,
        stagesPutBack: (combined.restored?.stagesPutBack ?? 0) + report.restored.stagesPutBack,
        estimates: (combined.restored?.estimates ?? 0) + report.restored.estimates,
      };
    }
    for (const counter of [
      "broadcasts",
      "viewerDays",
      "alreadySynced",
      "ledgerReadUnits",
    ] as const) {
      if (report[counter] !== undefined)
        combined[counter] = (combined[counter] ?? 0) + report[counter];
    }
    if (report.liveViewers !== undefined) {
      combined.liveViewers = (combined.liveViewers ?? 0) + report.liveViewers;
    }
  });
  const finished = reports.flatMap((report) => (report.finishedAt ? [report.finishedAt] : []));
  if (finished.length > 0) combined.finishedAt = finished.sort().at(-1)!;
  if (reports.every((report) => report.skipped)) combined.skipped = "locked";
  if (errors.length > 0) combined.errors = errors;
  return combined;
}

/** Thrown by a run that could not do all its work; the hot data it did not write stays in Redis. */
export class SyncRunError extends Error {
  override readonly name = "SyncRunError";
  readonly code = "sync_failed";
  constructor(
    readonly report: RunReport,
    options?: { cause?: unknown },
  ) {
    super(`sync run ${report.runId} failed: ${(report.errors ?? []).join("; ")}`, options);
  }
}

/** One line of structured log (`event: "sync.run"`). */
export function reportLogLine(report: RunReport): string {
  const registry = report.restored ? { registry: describeRestore(report.restored) } : {};
  return JSON.stringify({ event: "sync.run", ...report, ...registry });
}

/**
 * What a restore did, in words. Redis lacks the registry's completion mark on a new database as
 * well as after a data loss, so a new database's first run checks every stage and finds none
 * missing: that must not read as a loss (nor can it tell that nothing was lost: after a loss the
 * edge may have put the copies back first).
 */
export function describeRestore({
  stages,
  stagesPutBack,
  estimates,
}: NonNullable<RunReport["restored"]>): string {
  const checked = `${stages} ${stages === 1 ? "stage" : "stages"} checked against DynamoDB`;
  if (stagesPutBack === 0 && estimates === 0) {
    return `marked complete: ${checked}, none missing (as on a new Redis database's first run)`;
  }
  return `restored: ${checked}, ${stagesPutBack} put back, ${estimates} live counts estimated from their last snapshot (Redis had lost its data, or is new to stages that already existed)`;
}

/** The report as a few aligned lines, for people at a terminal. */
export function formatReport(report: RunReport): string {
  const status = report.skipped
    ? "skipped: another run holds the lock"
    : report.errors
      ? "FAILED"
      : "ok";
  const rows: [string, string][] = [
    ["run", `${report.runId} (${report.startedAt})`],
    ["status", `${status} in ${report.durationMs} ms`],
  ];
  if (report.restored) rows.push(["registry", describeRestore(report.restored)]);
  if (!report.skipped) {
    rows.push(
      [
        "windows",
        `${report.windows} closed windows of ${report.stages} stages` +
          (report.deferredWindows > 0 ? ` (${report.deferredWindows} deferred)` : "") +
          (report.alreadySynced ? ` (${report.alreadySynced} already in DynamoDB)` : ""),
      ],
      ["snapshots", String(report.snapshots)],
      ["viewing", `${report.viewingRecords} records packed in ${report.viewingRecordItems} items`],
      ["audit", `${report.auditEvents} events`],
      ["indexes", `${report.droppedIndexes} ended epochs dropped`],
      ...(report.heartbeatIntervalSec === undefined
        ? []
        : ([
            [
              "cadence",
              `${report.heartbeatIntervalSec} s heartbeats for ${report.liveViewers} live viewers`,
            ],
          ] as [string, string][])),
      [
        "dynamodb",
        `${report.items} items, ${report.writeUnits} write units, ${report.retries} retries` +
          (report.ledgerReadUnits ? `, ${report.ledgerReadUnits} read units (ledger)` : ""),
      ],
    );
  }
  for (const error of report.errors ?? []) rows.push(["error", error]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join("\n");
}
