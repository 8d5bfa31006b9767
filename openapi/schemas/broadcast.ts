import { z } from "@hono/zod-openapi";
import { CursorQuerySchema, StageIdSchema, TimestampSchema } from "./common";

/** A broadcast's id: its start, in epoch ms. */
export const BroadcastIdSchema = z
  .string()
  .regex(/^\d{1,15}$/)
  .openapi({
    description: "The broadcast's id (its start in epoch ms).",
    example: "1764450000000",
  });

export const BroadcastParamsSchema = z.object({
  stageId: StageIdSchema.openapi({ param: { name: "stageId", in: "path" } }),
  broadcastId: BroadcastIdSchema.openapi({ param: { name: "broadcastId", in: "path" } }),
});

export const BroadcastSchema = z
  .object({
    broadcastId: BroadcastIdSchema,
    stageId: StageIdSchema,
    startedAt: TimestampSchema.openapi({
      description: "When the stage went live (was created, or reopened).",
      example: "2026-11-29T21:00:00.000Z",
    }),
    endedAt: TimestampSchema.nullable().openapi({
      description: "When the stage was ended; `null` while it is live.",
      example: "2026-11-29T22:30:00.000Z",
    }),
    peakViewers: z.number().int().min(0).openapi({
      description:
        "The largest 30-s concurrency (viewers who watched in the same 30 s) in the broadcast.",
      example: 1380,
    }),
    peakAt: TimestampSchema.nullable().openapi({
      description:
        "Start of the first 30 s with `peakViewers`; `null` when there is no data (no viewer, or figures not yet computed).",
      example: "2026-11-29T21:42:30.000Z",
    }),
    averageViewers: z.number().min(0).openapi({
      description:
        "Time-weighted mean concurrency: `secondsWatched` / the broadcast's length in s.",
      example: 1190.4,
    }),
    uniqueViewers: z.number().int().min(0).openapi({
      description:
        "Distinct viewers who watched (played) at least one slot: exact, counted from every viewer id of the broadcast's viewing records.",
      example: 2210,
    }),
    uniqueViewersExact: z.boolean().openapi({
      description: "Always true for broadcasts (false only for the days of `listStageRollups`).",
      example: true,
    }),
    secondsWatched: z.number().int().min(0).openapi({
      description: "Seconds watched (played), summed over viewers.",
      example: 6_428_160,
    }),
    averageSecondsPerViewer: z.number().min(0).openapi({
      description: "`secondsWatched` / `uniqueViewers` (0 without viewers).",
      example: 2908.67,
    }),
  })
  .openapi("Broadcast", {
    description:
      "One broadcast: a stage from going live to being ended; reopening a stage starts a new one. Start and end are recorded as the stage changes; the figures are computed by the sync job once the broadcast has ended and its last 5-minute window is synced (about 6 to 11 minutes after the end) and kept permanently. Until then (and while live) they are 0 and `peakAt` is `null`: a live broadcast's audience is in `getStageSeries`. A 5-minute window shared by two broadcasts (a stage ended and reopened within it) is counted in the first.",
  });

export const BroadcastPageSchema = z
  .object({
    items: z
      .array(BroadcastSchema)
      .openapi({ description: "Broadcasts, newest first.", example: [] }),
    nextCursor: z.string().nullable().openapi({
      description: "Pass as `cursor` for the next page; `null` on the last page.",
      example: null,
    }),
  })
  .openapi("BroadcastPage");

export const BroadcastQuerySchema = z.object({
  cursor: CursorQuerySchema,
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .openapi({
      param: { name: "limit", in: "query" },
      description: "Page size, 1-100 (default 20).",
      example: 20,
    }),
});
