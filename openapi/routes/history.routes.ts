import { createRoute, z } from "@hono/zod-openapi";
import { StageParamsSchema } from "../schemas/common";
import {
  BreakdownQuerySchema,
  BreakdownSchema,
  ExportQuerySchema,
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

export const exportViewingRecordsRoute = createRoute({
  operationId: "exportViewingRecords",
  method: "get",
  path: "/v1/stages/{stageId}/viewing-records/export",
  tags: ["History"],
  summary: "Every viewing record of a day, as CSV or NDJSON",
  description:
    'For billing systems: every record of the stage whose window starts in the range (at most a day; default the last 24 hours), streamed page by page as it is read, as `text/csv` (with a header row) or `application/x-ndjson` (one JSON object a line), as `Accept` asks (CSV when it names neither, or `*/*`). CSV cells that a spreadsheet would read as a formula (beginning with `=`, `+`, `-`, `@`, a tab or a carriage return; viewer and stage ids may begin with `-` or `@`) are written as OWASP advises against CSV injection: a single quote in front and the field in double quotes (`"\'-2-3"` for the viewer id `-2-3`); strip that quote to get the id back, or ask for NDJSON, which carries ids unchanged. If a store fails mid-way the stream stops early; a complete CSV export ends with a newline after its last record, as does NDJSON. One stage per call: records are kept per stage, so every stage at once would be a Query per stage of the deployment (with or without records in the range), up to the 10,000 subrequests a Worker request may make, or a second copy of every record by day; for a whole platform, call this per stage (`listStages`), or ask `getViewerWatchTime` per viewer. Needs the analytics key or the admin key.',
  security: readers,
  request: { params: StageParamsSchema, query: ExportQuerySchema },
  responses: {
    200: {
      description: "The records, oldest window first, then viewer id.",
      content: {
        "text/csv": {
          schema: z.string().openapi({
            example:
              "stageId,viewerId,windowStart,windowEnd,seconds\nconcert-42,user-1234,2026-11-27T21:30:00.000Z,2026-11-27T21:35:00.000Z,270\n",
          }),
        },
        "application/x-ndjson": {
          schema: z.string().openapi({
            example:
              '{"stageId":"concert-42","viewerId":"user-1234","windowStart":"2026-11-27T21:30:00.000Z","windowEnd":"2026-11-27T21:35:00.000Z","seconds":270}\n',
          }),
        },
      },
    },
    ...problemResponses(400, 401, 404, 406, 503),
  },
});

export const getStageBreakdownRoute = createRoute({
  operationId: "getStageBreakdown",
  method: "get",
  path: "/v1/stages/{stageId}/breakdown",
  tags: ["History"],
  summary: "A stage's audience by country or device",
  description:
    "Viewer-hours and seconds watched by country or device class over a range (default: the last 24 hours; at most 366 days), summed from the hourly rollups of the hours that start in it. Needs the analytics key or the admin key.",
  security: readers,
  request: { params: StageParamsSchema, query: BreakdownQuerySchema },
  responses: {
    200: {
      description: "The breakdown.",
      content: { "application/json": { schema: BreakdownSchema } },
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
