import { createRoute } from "@hono/zod-openapi";
import {
  BroadcastPageSchema,
  BroadcastParamsSchema,
  BroadcastQuerySchema,
  BroadcastSchema,
} from "../schemas/broadcast";
import { StageParamsSchema } from "../schemas/common";
import { problemResponses } from "../schemas/problem";

/** The analytics key (read-only) or the admin key. */
const readers: Record<string, string[]>[] = [{ analyticsKey: [] }, { adminKey: [] }];

export const listBroadcastsRoute = createRoute({
  operationId: "listBroadcasts",
  method: "get",
  path: "/v1/stages/{stageId}/broadcasts",
  tags: ["History"],
  summary: "A stage's broadcasts",
  description:
    "Every broadcast of the stage (live to ended), newest first, with its figures. One DynamoDB Query per page. Needs the analytics key or the admin key.",
  security: readers,
  request: { params: StageParamsSchema, query: BroadcastQuerySchema },
  responses: {
    200: {
      description: "A page of broadcasts.",
      content: { "application/json": { schema: BroadcastPageSchema } },
    },
    ...problemResponses(400, 401, 404, 503),
  },
});

export const getBroadcastRoute = createRoute({
  operationId: "getBroadcast",
  method: "get",
  path: "/v1/stages/{stageId}/broadcasts/{broadcastId}",
  tags: ["History"],
  summary: "One broadcast",
  description:
    "Start, end, peak (and when), average and distinct viewers, and watch time of one broadcast. Needs the analytics key or the admin key.",
  security: readers,
  request: { params: BroadcastParamsSchema },
  responses: {
    200: {
      description: "The broadcast.",
      content: { "application/json": { schema: BroadcastSchema } },
    },
    ...problemResponses(400, 401, 404, 503),
  },
});
