import type { OpenAPIHono } from "@hono/zod-openapi";
import {
  listStageRollupsRoute,
  listStageSnapshotsRoute,
  listViewingRecordsRoute,
} from "../../openapi/routes";
import { requireReader } from "../admin-auth";
import type { AppEnv } from "../env";
import type { RangeQuery } from "../history/history-table";
import { decodeSortKeyCursor, encodeSortKeyCursor } from "../page-cursor";
import { problems } from "../problems";

const DAY_MS = 86_400_000;
const ISO = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";
const SNAPSHOT_SK = new RegExp(`^SNAPSHOT#${ISO}$`);
const VIEWING_RECORDS_SK = new RegExp(`^${ISO}#\\d{3,}$`);
const ROLLUP_SK = new RegExp(`^(HOUR#${ISO}|DAY#\\d{4}-\\d{2}-\\d{2})$`);

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

export function registerHistoryHandlers(app: OpenAPIHono<AppEnv>) {
  app.openapi(listStageSnapshotsRoute, async (c) => {
    const { config, nowMs, historyTable } = c.var.services;
    requireReader(c, config);
    const { stageId } = c.req.valid("param");
    const query = c.req.valid("query");
    const window = range(stageId, nowMs, query);
    if (query.cursor !== undefined) window.afterSk = decodeSortKeyCursor(query.cursor, SNAPSHOT_SK);
    const { registry } = c.var.services.shard(stageId);
    if ((await registry.lookup(stageId)) === undefined) throw problems.stageNotFound(stageId);
    const page = await historyTable().snapshots(window, query.limit);
    return c.json(
      { items: page.items, nextCursor: page.lastSk ? encodeSortKeyCursor(page.lastSk) : null },
      200,
    );
  });

  app.openapi(listStageRollupsRoute, async (c) => {
    const { config, nowMs, historyTable } = c.var.services;
    requireReader(c, config);
    const { stageId } = c.req.valid("param");
    const query = c.req.valid("query");
    const window = range(stageId, nowMs, query);
    if (query.cursor !== undefined) window.afterSk = decodeSortKeyCursor(query.cursor, ROLLUP_SK);
    const { registry } = c.var.services.shard(stageId);
    if ((await registry.lookup(stageId)) === undefined) throw problems.stageNotFound(stageId);
    const page = await historyTable().rollups(window, query.period, query.limit);
    return c.json(
      { items: page.items, nextCursor: page.lastSk ? encodeSortKeyCursor(page.lastSk) : null },
      200,
    );
  });

  app.openapi(listViewingRecordsRoute, async (c) => {
    const { config, nowMs, historyTable } = c.var.services;
    requireReader(c, config);
    const { stageId } = c.req.valid("param");
    const query = c.req.valid("query");
    const window = range(stageId, nowMs, query);
    if (query.cursor !== undefined)
      window.afterSk = decodeSortKeyCursor(query.cursor, VIEWING_RECORDS_SK);
    const { registry } = c.var.services.shard(stageId);
    if ((await registry.lookup(stageId)) === undefined) throw problems.stageNotFound(stageId);
    const page = await historyTable().viewingRecords(window, {
      limit: query.limit,
      ...(query.viewerId === undefined ? {} : { viewerId: query.viewerId }),
    });
    return c.json(
      { items: page.items, nextCursor: page.lastSk ? encodeSortKeyCursor(page.lastSk) : null },
      200,
    );
  });
}
