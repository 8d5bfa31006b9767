import type { OpenAPIHono } from "@hono/zod-openapi";
import { BROADCAST_PREFIX } from "@viewer-presence/shared/dynamo-keys";
import { getBroadcastRoute, listBroadcastsRoute } from "../../openapi/routes";
import type { AppEnv } from "../env";
import { analyticsTable } from "../history/analytics-table";
import { decodeSortKeyCursor, encodeSortKeyCursor } from "../page-cursor";
import { HttpProblem, problems } from "../problems";

const BROADCAST_SK = new RegExp(
  `^${BROADCAST_PREFIX}\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$`,
);

export function registerBroadcastHandlers(app: OpenAPIHono<AppEnv>) {
  app.openapi(listBroadcastsRoute, async (c) => {
    const { config, dynamo } = c.var.services;
    const { stageId } = c.req.valid("param");
    const { limit, cursor } = c.req.valid("query");
    const afterSk = cursor === undefined ? undefined : decodeSortKeyCursor(cursor, BROADCAST_SK);
    const { registry } = c.var.services.shard(stageId);
    if ((await registry.lookup(stageId)) === undefined) throw problems.stageNotFound(stageId);
    const page = await analyticsTable(dynamo(), config.dynamodbTable).broadcasts(
      stageId,
      limit,
      afterSk,
    );
    return c.json(
      { items: page.items, nextCursor: page.lastSk ? encodeSortKeyCursor(page.lastSk) : null },
      200,
    );
  });

  app.openapi(getBroadcastRoute, async (c) => {
    const { config, dynamo } = c.var.services;
    const { stageId, broadcastId } = c.req.valid("param");
    const startedAtMs = Number(broadcastId);
    if (!Number.isFinite(new Date(startedAtMs).getTime())) {
      throw problems.validation([{ path: "param.broadcastId", message: "Not a broadcast id" }]);
    }
    const { registry } = c.var.services.shard(stageId);
    if ((await registry.lookup(stageId)) === undefined) throw problems.stageNotFound(stageId);
    const broadcast = await analyticsTable(dynamo(), config.dynamodbTable).broadcast(
      stageId,
      startedAtMs,
    );
    if (broadcast === undefined) {
      throw new HttpProblem(
        404,
        "not_found",
        "Not found",
        `Stage "${stageId}" has no broadcast "${broadcastId}".`,
      );
    }
    return c.json(broadcast, 200);
  });
}
