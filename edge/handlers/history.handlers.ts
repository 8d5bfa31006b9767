import type { OpenAPIHono, RouteHandler } from "@hono/zod-openapi";
import {
  ROLLUP_SORT_KEY,
  SNAPSHOT_SORT_KEY,
  VIEWING_RECORDS_SORT_KEY,
} from "@viewer-presence/shared/dynamo-keys";
import {
  CONCURRENCY_SLOT_SEC,
  CONCURRENCY_SLOTS,
  DAY_MS,
  WINDOW_SEC,
} from "@viewer-presence/shared/windows";
import { stream } from "hono/streaming";
import {
  exportViewingRecordsRoute,
  getStageBreakdownRoute,
  getStageSeriesRoute,
  listStageRollupsRoute,
  listStageSnapshotsRoute,
  listViewingRecordsRoute,
} from "../../openapi/routes";
import type { AppEnv, Services } from "../env";
import { csvRow } from "../history/csv-row";
import type { HistoryTable, RangeQuery, Snapshot } from "../history/history-table";
import { decodeSortKeyCursor, encodeSortKeyCursor } from "../page-cursor";
import { problems } from "../problems";

/** Turns `from`/`to` (defaults: the last 24 hours) into a range, or a 400 naming the bad one. */
function range(stageId: string, nowMs: number, query: { from?: string; to?: string }): RangeQuery {
  const toMs = query.to === undefined ? nowMs : Date.parse(query.to);
  const fromMs = query.from === undefined ? toMs - DAY_MS : Date.parse(query.from);
  if (fromMs >= toMs)
    throw problems.validation([{ path: "query.from", message: "`from` must be before `to`" }]);
  if (toMs - fromMs > 366 * DAY_MS) {
    throw problems.validation([
      { path: "query.to", message: "The range may span at most 366 days" },
    ]);
  }
  return { stageId, fromMs, toMs };
}

/** Starts the range after the query's cursor, if it has one (a 400 unless it has `shape`). */
function afterCursor(window: RangeQuery, cursor: string | undefined, shape: RegExp): RangeQuery {
  if (cursor !== undefined) window.afterSk = decodeSortKeyCursor(cursor, shape);
  return window;
}

/** A 404 unless the stage exists. */
async function requireStage(services: Services, stageId: string): Promise<void> {
  const { registry } = services.shard(stageId);
  if ((await registry.lookup(stageId)) === undefined) throw problems.stageNotFound(stageId);
}

/**
 * The range a listing reads (`from`/`to`, after its cursor, a 400 for either), of a stage
 * that exists (a 404 otherwise).
 */
async function listedRange(
  services: Services,
  { stageId }: { stageId: string },
  query: { from?: string; to?: string; cursor?: string },
  cursorShape: RegExp,
): Promise<RangeQuery> {
  const window = afterCursor(range(stageId, services.nowMs, query), query.cursor, cursorShape);
  await requireStage(services, stageId);
  return window;
}

/** A page as the API answers it: its items and the cursor of the next, if any. */
function pageBody<T>(page: { items: T[]; lastSk?: string }) {
  return { items: page.items, nextCursor: page.lastSk ? encodeSortKeyCursor(page.lastSk) : null };
}

const listSnapshots: RouteHandler<typeof listStageSnapshotsRoute, AppEnv> = async (c) => {
  const { historyTable } = c.var.services;
  const query = c.req.valid("query");
  const window = await listedRange(c.var.services, c.req.valid("param"), query, SNAPSHOT_SORT_KEY);
  return c.json(pageBody(await historyTable().snapshots(window, query.limit)), 200);
};

const listRollups: RouteHandler<typeof listStageRollupsRoute, AppEnv> = async (c) => {
  const { historyTable } = c.var.services;
  const query = c.req.valid("query");
  const window = await listedRange(c.var.services, c.req.valid("param"), query, ROLLUP_SORT_KEY);
  return c.json(pageBody(await historyTable().rollups(window, query.period, query.limit)), 200);
};

const listViewingRecords: RouteHandler<typeof listViewingRecordsRoute, AppEnv> = async (c) => {
  const { historyTable } = c.var.services;
  const query = c.req.valid("query");
  const window = await listedRange(
    c.var.services,
    c.req.valid("param"),
    query,
    VIEWING_RECORDS_SORT_KEY,
  );
  const page = await historyTable().viewingRecords(window, {
    limit: query.limit,
    ...(query.viewerId === undefined ? {} : { viewerId: query.viewerId }),
  });
  return c.json(pageBody(page), 200);
};

const getSeries: RouteHandler<typeof getStageSeriesRoute, AppEnv> = async (c) => {
  const { nowMs, historyTable } = c.var.services;
  const { stageId } = c.req.valid("param");
  const query = c.req.valid("query");
  const window = range(stageId, nowMs, query);
  const maxDays = SERIES_MAX_DAYS[query.resolution];
  if (window.toMs - window.fromMs > maxDays * DAY_MS) {
    throw problems.validation([
      {
        path: "query.from",
        message: `A ${query.resolution} series spans at most ${maxDays} day(s); ask for \`1h\` or \`1d\` over longer ranges`,
      },
    ]);
  }
  const fromSnapshots = query.resolution === "30s" || query.resolution === "5m";
  afterCursor(window, query.cursor, fromSnapshots ? SNAPSHOT_SORT_KEY : ROLLUP_SORT_KEY);
  await requireStage(c.var.services, stageId);
  const { points, lastSk } = await seriesPage(historyTable(), window, query);
  return c.json(
    {
      stageId,
      resolution: query.resolution,
      points,
      nextCursor: lastSk ? encodeSortKeyCursor(lastSk) : null,
    },
    200,
  );
};

/** One page of a series: from snapshots at `30s` and `5m`, from rollups at `1h` and `1d`. */
async function seriesPage(
  table: HistoryTable,
  window: RangeQuery,
  query: { resolution: keyof typeof SERIES_MAX_DAYS; limit: number },
): Promise<{ points: SeriesPoint[]; lastSk?: string | undefined }> {
  if (query.resolution === "30s" || query.resolution === "5m") {
    const perSnapshot = query.resolution === "30s" ? CONCURRENCY_SLOTS : 1;
    const page = await table.snapshots(window, Math.ceil(query.limit / perSnapshot));
    const points = page.items.flatMap((snapshot) =>
      query.resolution === "30s" ? slotPoints(snapshot) : [windowPoint(snapshot)],
    );
    return { points, lastSk: page.lastSk };
  }
  const period = query.resolution === "1h" ? "hour" : "day";
  const page = await table.rollups(window, period, query.limit);
  const points = page.items.map((rollup) => ({
    at: rollup.periodStart,
    peakViewers: rollup.peakViewers,
    averageViewers: rollup.averageViewers,
    uniqueViewers: rollup.uniqueViewers,
    watchSeconds: rollup.watchSeconds,
  }));
  return { points, lastSk: page.lastSk };
}

const getBreakdown: RouteHandler<typeof getStageBreakdownRoute, AppEnv> = async (c) => {
  const { nowMs, historyTable } = c.var.services;
  const { stageId } = c.req.valid("param");
  const query = c.req.valid("query");
  const window = range(stageId, nowMs, query);
  await requireStage(c.var.services, stageId);
  const { hours, totals } = await breakdownTotals(historyTable(), window, query.by);
  const rows = [...totals]
    .map(([key, total]) => ({ key, ...total }))
    .sort((a, b) => b.seconds - a.seconds || (a.key < b.key ? -1 : 1));
  return c.json(
    {
      stageId,
      by: query.by,
      from: new Date(window.fromMs).toISOString(),
      to: new Date(window.toMs).toISOString(),
      hours,
      rows,
    },
    200,
  );
};

/** The range's hour rollups summed by country or device, and how many hours there were. */
async function breakdownTotals(table: HistoryTable, window: RangeQuery, by: "country" | "device") {
  const totals = new Map<string, { viewerHours: number; seconds: number }>();
  let hours = 0;
  // A year of hours is about 8,800 small items: read them all, 500 a Query.
  for (
    let afterSk: string | undefined, first = true;
    first || afterSk !== undefined;
    first = false
  ) {
    const page = await table.rollups({ ...window, ...(afterSk ? { afterSk } : {}) }, "hour", 500);
    for (const rollup of page.items) {
      hours++;
      const rows = by === "country" ? (rollup.countries ?? []) : (rollup.devices ?? []);
      for (const row of rows) {
        const key = "country" in row ? row.country : row.device;
        const total = totals.get(key) ?? { viewerHours: 0, seconds: 0 };
        total.viewerHours += row.viewers;
        total.seconds += row.seconds;
        totals.set(key, total);
      }
    }
    afterSk = page.lastSk;
  }
  return { hours, totals };
}

const exportViewingRecords: RouteHandler<typeof exportViewingRecordsRoute, AppEnv> = async (c) => {
  const { nowMs, historyTable } = c.var.services;
  const { stageId } = c.req.valid("param");
  const window = range(stageId, nowMs, c.req.valid("query"));
  if (window.toMs - window.fromMs > DAY_MS) {
    throw problems.validation([
      { path: "query.from", message: "An export spans at most a day; ask day by day" },
    ]);
  }
  const format = exportFormat(c.req.header("accept"));
  if (format === undefined) throw problems.notAcceptable("text/csv or application/x-ndjson");
  await requireStage(c.var.services, stageId);
  const table = historyTable();
  // The first page is read before the answer starts, so a store that is down is a 503.
  let page = await table.viewingRecords(window, EXPORT_PAGE);
  c.header("content-type", format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson");
  c.header("cache-control", "no-store");
  return stream(c, async (out) => {
    if (format === "csv") await out.write(csvRow(EXPORT_COLUMNS));
    for (;;) {
      const lines = page.items.map((record) =>
        format === "csv"
          ? csvRow(EXPORT_COLUMNS.map((column) => record[column]))
          : `${JSON.stringify(record)}\n`,
      );
      if (lines.length > 0) await out.write(lines.join(""));
      if (page.lastSk === undefined) return;
      page = await table.viewingRecords({ ...window, afterSk: page.lastSk }, EXPORT_PAGE);
    }
  });
};

export function registerHistoryHandlers(app: OpenAPIHono<AppEnv>) {
  app.openapi(listStageSnapshotsRoute, listSnapshots);
  app.openapi(listStageRollupsRoute, listRollups);
  app.openapi(getStageSeriesRoute, getSeries);
  app.openapi(getStageBreakdownRoute, getBreakdown);
  app.openapi(exportViewingRecordsRoute, exportViewingRecords);
  app.openapi(listViewingRecordsRoute, listViewingRecords);
}

/** How long a series may span at each resolution, in days (points a page stay sane). */
const SERIES_MAX_DAYS = { "30s": 1, "5m": 31, "1h": 366, "1d": 366 } as const;

interface SeriesPoint {
  at: string;
  peakViewers: number;
  averageViewers: number;
  uniqueViewers: number;
  watchSeconds: number;
}

/** A 5-minute window's figures as one point. */
function windowPoint(snapshot: Snapshot): SeriesPoint {
  return {
    at: snapshot.windowStart,
    peakViewers: snapshot.peakViewers ?? snapshot.viewerCount,
    averageViewers: snapshot.averageViewers ?? snapshot.watchSeconds / WINDOW_SEC,
    uniqueViewers: snapshot.uniqueViewers,
    watchSeconds: snapshot.watchSeconds,
  };
}

/**
 * A window's ten 30-s concurrency counts as points: in 30 s, the viewers who marked the slot
 * are at once its peak, its average and its distinct viewers. A snapshot written before
 * concurrency was counted gives its window's point instead.
 */
function slotPoints(snapshot: Snapshot): SeriesPoint[] {
  if (snapshot.slotViewers === undefined) return [windowPoint(snapshot)];
  const startMs = Date.parse(snapshot.windowStart);
  return snapshot.slotViewers.map((viewers, slot) => ({
    at: new Date(startMs + slot * CONCURRENCY_SLOT_SEC * 1000).toISOString(),
    peakViewers: viewers,
    averageViewers: viewers,
    uniqueViewers: viewers,
    watchSeconds: viewers * CONCURRENCY_SLOT_SEC,
  }));
}

/** The CSV export's columns, in order: the header row, and the record fields of each line. */
const EXPORT_COLUMNS = ["stageId", "viewerId", "windowStart", "windowEnd", "seconds"] as const;

/** Records per page of an export, and items read at most for one. */
const EXPORT_PAGE = { limit: 5_000, maxItems: 200 };

/**
 * The export's format from `Accept`: NDJSON when asked for, CSV when asked for, or when no type
 * or any type is; `undefined` (406) otherwise.
 */
function exportFormat(accept: string | undefined): "csv" | "ndjson" | undefined {
  const types = (accept ?? "*/*")
    .split(",")
    .map((part) => part.split(";")[0]!.trim().toLowerCase());
  if (types.includes("application/x-ndjson")) return "ndjson";
  if (
    types.some((type) => type === "text/csv" || type === "*/*" || type === "text/*" || type === "")
  ) {
    return "csv";
  }
  return undefined;
}
