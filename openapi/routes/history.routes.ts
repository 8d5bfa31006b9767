import { createRoute } from "@hono/zod-openapi";
import { StageParamsSchema } from "../schemas/common";
import {
  RollupPageSchema,
  RollupQuerySchema,
  SeriesQuerySchema,
  SeriesSchema,
  SnapshotPageSchema,
  SnapshotQuerySchema,
  ViewingRecordPageSchema,
  ViewingRecordQuerySchema,
} from "../schemas/history";
import { problemResponses } from "../schemas/problem";

/** The analytics key (read-only) or the admin key. */
const readers: Record<string, string[]>[] = [{ analyticsKey: [] }, { adminKey: [] }];

export const listStageSnapshotsRoute = createRoute({
  operationId: "listStageSnapshots",
  method: "get",
  path: "/v1/stages/{stageId}/snapshots",
  tags: ["History"],
  summary: "A stage's snapshots",
  description:
    "What the sync job recorded for each closed 5-minute window: live count, distinct viewers, seconds watched, concurrency, and the audience by country and device. One DynamoDB Query per page. Needs the analytics key or the admin key.",
  security: readers,
  request: { params: StageParamsSchema, query: SnapshotQuerySchema },
  responses: {
    200: {
      description: "A page of snapshots.",
      content: { "application/json": { schema: SnapshotPageSchema } },
    },
    ...problemResponses(400, 401, 404, 503),
  },
});

export const listStageRollupsRoute = createRoute({
  operationId: "listStageRollups",
  method: "get",
  path: "/v1/stages/{stageId}/rollups",
  tags: ["History"],
  summary: "A stage's hours and days",
  description:
    "Peak, average and distinct viewers, seconds watched and (for hours) the audience by country and device, per hour or per UTC day, kept permanently: a year of a stage is about 9,000 hours or 365 days. `from`/`to` select periods by their start. One DynamoDB Query per page. Needs the analytics key or the admin key.",
  security: readers,
  request: { params: StageParamsSchema, query: RollupQuerySchema },
  responses: {
    200: {
      description: "A page of rollups.",
      content: { "application/json": { schema: RollupPageSchema } },
    },
    ...problemResponses(400, 401, 404, 503),
  },
});

export const getStageSeriesRoute = createRoute({
  operationId: "getStageSeries",
  method: "get",
  path: "/v1/stages/{stageId}/series",
  tags: ["History"],
  summary: "A stage's audience over time",
  description:
    "Peak, average and distinct viewers and seconds watched per 30 s, 5 min, hour or day over a range (default: the last 24 hours). Needs the analytics key or the admin key.",
  security: readers,
  request: { params: StageParamsSchema, query: SeriesQuerySchema },
  responses: {
    200: {
      description: "A page of the series.",
      content: { "application/json": { schema: SeriesSchema } },
    },
    ...problemResponses(400, 401, 404, 503),
  },
});

export const listViewingRecordsRoute = createRoute({
  operationId: "listViewingRecords",
  method: "get",
  path: "/v1/stages/{stageId}/viewing-records",
  tags: ["History"],
  summary: "Who watched a stage, and how long",
  description:
    "Seconds watched per viewer per 5-minute window, for analytics and billing. Records are stored packed several to a DynamoDB item; filtering by `viewerId` reads the stage's items in the range and keeps that viewer's. Needs the analytics key or the admin key.",
  security: readers,
  request: { params: StageParamsSchema, query: ViewingRecordQuerySchema },
  responses: {
    200: {
      description: "A page of viewing records.",
      content: { "application/json": { schema: ViewingRecordPageSchema } },
    },
    ...problemResponses(400, 401, 404, 503),
  },
});
