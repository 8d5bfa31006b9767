import { z } from "@hono/zod-openapi";
import { RecordedViewerIdSchema, StageIdSchema, TimestampSchema } from "./common";

export const WatchTimeParamsSchema = z.object({
  viewerId: RecordedViewerIdSchema.openapi({ param: { name: "viewerId", in: "path" } }),
});

const midnight = (name: string, fallback: string) =>
  z.iso
    .datetime()
    .optional()
    .openapi({
      param: { name, in: "query" },
      description: `A UTC midnight (watch time is kept per UTC day; another time is a 400). Default: ${fallback}.`,
      example: name === "from" ? "2026-11-01T00:00:00.000Z" : "2026-12-01T00:00:00.000Z",
    });

export const WatchTimeQuerySchema = z.object({
  from: midnight("from", "the first day of the current month"),
  to: midnight(
    "to",
    "the first day of the month after `from`; exclusive, at most 366 days after `from`",
  ),
});

export const WatchTimeSchema = z
  .object({
    viewerId: RecordedViewerIdSchema,
    from: TimestampSchema.openapi({
      description: "Start of the range.",
      example: "2026-11-01T00:00:00.000Z",
    }),
    to: TimestampSchema.openapi({
      description: "End of the range (exclusive).",
      example: "2026-12-01T00:00:00.000Z",
    }),
    totalSeconds: z.number().int().min(0).openapi({
      description: "Seconds the viewer watched (played) in the range, on every stage.",
      example: 16_470,
    }),
    stages: z
      .array(
        z.object({
          stageId: StageIdSchema,
          seconds: z.number().int().min(0).openapi({ example: 16_470 }),
        }),
      )
      .openapi({
        description:
          "Seconds per stage, most first (then by stage id); stages with none are left out.",
        example: [{ stageId: "concert-42", seconds: 16_470 }],
      }),
  })
  .openapi("WatchTime", {
    description:
      "One viewer's watch time over whole UTC days, read from one item per viewer, stage and day that the sync job writes: once the day is over (about 5 to 10 minutes after midnight UTC), and for the days a broadcast touched once it has ended. The current day therefore counts only what ended broadcasts left in it.",
  });
