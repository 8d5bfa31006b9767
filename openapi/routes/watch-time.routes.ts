import { createRoute } from "@hono/zod-openapi";
import { problemResponses } from "../schemas/problem";
import {
  WatchTimeParamsSchema,
  WatchTimeQuerySchema,
  WatchTimeSchema,
} from "../schemas/watch-time";

/** The analytics key (read-only) or the admin key. */
const readers: Record<string, string[]>[] = [{ analyticsKey: [] }, { adminKey: [] }];

export const getViewerWatchTimeRoute = createRoute({
  operationId: "getViewerWatchTime",
  method: "get",
  path: "/v1/viewers/{viewerId}/watch-time",
  tags: ["History"],
  summary: "One viewer's watch time, for billing",
  description:
    "Seconds the viewer watched per stage and in total over whole UTC days (default: the current calendar month), read from the viewer's own partition, one item per stage and day: one DynamoDB Query, never a Scan. Needs the analytics key or the admin key.",
  security: readers,
  request: { params: WatchTimeParamsSchema, query: WatchTimeQuerySchema },
  responses: {
    200: {
      description: "The viewer's watch time.",
      content: { "application/json": { schema: WatchTimeSchema } },
    },
    ...problemResponses(400, 401, 503),
  },
});
