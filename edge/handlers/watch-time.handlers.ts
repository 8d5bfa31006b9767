import type { OpenAPIHono } from "@hono/zod-openapi";
import { DAY_MS } from "@viewer-presence/shared/windows";
import { getViewerWatchTimeRoute } from "../../openapi/routes";
import type { AppEnv } from "../env";
import { analyticsTable } from "../history/analytics-table";
import { problems } from "../problems";

/** Most days one request may cover (a year, leap years included). */
const MAX_DAYS = 366;

/** A `from`/`to` value as epoch ms, or a 400 unless it is a UTC midnight. */
function midnightMs(value: string, name: "from" | "to"): number {
  const ms = Date.parse(value);
  if (ms % DAY_MS !== 0) {
    throw problems.validation([
      {
        path: `query.${name}`,
        message: `\`${name}\` must be a UTC midnight (watch time is kept per UTC day)`,
      },
    ]);
  }
  return ms;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function registerWatchTimeHandlers(app: OpenAPIHono<AppEnv>) {
  app.openapi(getViewerWatchTimeRoute, async (c) => {
    const { config, dynamo, nowMs } = c.var.services;
    const { viewerId } = c.req.valid("param");
    const query = c.req.valid("query");
    const now = new Date(nowMs);
    const fromMs =
      query.from === undefined
        ? Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)
        : midnightMs(query.from, "from");
    const start = new Date(fromMs);
    const toMs =
      query.to === undefined
        ? Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1)
        : midnightMs(query.to, "to");
    if (fromMs >= toMs) {
      throw problems.validation([{ path: "query.from", message: "`from` must be before `to`" }]);
    }
    if (toMs - fromMs > MAX_DAYS * DAY_MS) {
      throw problems.validation([
        { path: "query.to", message: `The range may span at most ${MAX_DAYS} days` },
      ]);
    }
    const seconds = await analyticsTable(dynamo(), config.dynamodbTable).watchTime(
      viewerId,
      day(fromMs),
      day(toMs - DAY_MS),
    );
    const stages = [...seconds]
      .filter(([, total]) => total > 0)
      .map(([stageId, total]) => ({ stageId, seconds: total }))
      .sort((a, b) => b.seconds - a.seconds || (a.stageId < b.stageId ? -1 : 1));
    return c.json(
      {
        viewerId,
        from: new Date(fromMs).toISOString(),
        to: new Date(toMs).toISOString(),
        totalSeconds: stages.reduce((sum, stage) => sum + stage.seconds, 0),
        stages,
      },
      200,
    );
  });
}
