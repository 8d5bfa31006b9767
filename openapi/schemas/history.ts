import { z } from "@hono/zod-openapi";
import { WINDOW_SEC } from "@viewer-presence/shared/windows";
import {
  CursorQuerySchema,
  RecordedViewerIdSchema,
  StageIdSchema,
  TimestampSchema,
} from "./common";

const example = {
  windowStart: "2026-11-27T21:30:00.000Z",
  windowEnd: "2026-11-27T21:35:00.000Z",
};

/** The window a snapshot or record belongs to. */
const windowFields = {
  windowStart: TimestampSchema.openapi({
    description: "Start of the 5-minute window.",
    example: example.windowStart,
  }),
  windowEnd: TimestampSchema.openapi({
    description: "End of the window (exclusive).",
    example: example.windowEnd,
  }),
};

const viewersAndSeconds = {
  viewers: z.number().int().min(0).openapi({ description: "Distinct viewers.", example: 420 }),
  seconds: z
    .number()
    .int()
    .min(0)
    .openapi({ description: "Seconds they watched.", example: 113_400 }),
};

/** A row of an audience breakdown by country (snapshots, rollups). */
const CountryRowSchema = z.object({
  country: z
    .string()
    .regex(/^([A-Z][A-Z0-9]|unknown)$/)
    .openapi({
      description:
        "ISO 3166-1 alpha-2 code as Cloudflare gives it (`XX`: unknown to Cloudflare, `T1`: Tor), or `unknown` where no country was given (local runs).",
      example: "DE",
    }),
  ...viewersAndSeconds,
});

/** A row of an audience breakdown by device class (snapshots, rollups). */
const DeviceRowSchema = z.object({
  device: z.enum(["mobile", "desktop", "tv", "other"]).openapi({
    description:
      "From the User-Agent (or the `Sec-CH-UA-Mobile` hint) of the viewer's first heartbeat in the hour.",
    example: "mobile",
  }),
  ...viewersAndSeconds,
});

export const SnapshotSchema = z
  .object({
    stageId: StageIdSchema,
    ...windowFields,
    takenAt: TimestampSchema.openapi({ description: "When the sync job wrote the snapshot." }),
    viewerCount: z
      .number()
      .int()
      .min(0)
      .openapi({ description: "Live viewers when the snapshot was taken.", example: 1234 }),
    uniqueViewers: z
      .number()
      .int()
      .min(0)
      .openapi({ description: "Distinct viewers who watched during the window.", example: 1502 }),
    watchSeconds: z.number().int().min(0).openapi({
      description: "Seconds watched during the window, summed over viewers.",
      example: 402_300,
    }),
    slotViewers: z
      .array(z.number().int().min(0))
      .optional()
      .openapi({
        description:
          "Concurrent viewers in each 30 s of the window, in order (10 counts). A viewer is concurrent in a 30 s slot when they sent a heartbeat marking it (tabs count once): exact, unlike the live count (`viewerCount`), which counts viewers seen within the presence TTL (120 s) at one moment. Absent on snapshots written before 2026-11-30.",
        example: [1350, 1362, 1371, 1380, 1377, 1366, 1359, 1348, 1340, 1332],
      }),
    peakViewers: z.number().int().min(0).optional().openapi({
      description: "The largest of `slotViewers`: the window's peak concurrency.",
      example: 1380,
    }),
    averageViewers: z
      .number()
      .min(0)
      .optional()
      .openapi({
        description: `Time-weighted mean concurrency over the window: \`watchSeconds\` / ${WINDOW_SEC}, to 2 decimals.`,
        example: 1341,
      }),
    countries: z
      .array(CountryRowSchema)
      .optional()
      .openapi({
        example: [
          { country: "DE", viewers: 420, seconds: 113_400 },
          { country: "unknown", viewers: 3, seconds: 540 },
        ],
        description:
          "Viewers and seconds by country, most viewers first; they sum to `uniqueViewers` and `watchSeconds`. A viewer's country is the one of their first heartbeat in the hour. Absent on snapshots written before 2026-11-30 and on windows left by workers of an older deploy.",
      }),
    devices: z
      .array(DeviceRowSchema)
      .optional()
      .openapi({
        example: [
          { device: "mobile", viewers: 880, seconds: 231_000 },
          { device: "desktop", viewers: 610, seconds: 170_100 },
        ],
        description:
          "Viewers and seconds by device class, most viewers first; they sum to `uniqueViewers` and `watchSeconds`. Absent where `countries` is.",
      }),
  })
  .openapi("Snapshot", {
    description: "A stage's figures for one closed window, kept 30 days (DynamoDB TTL).",
  });

export const ViewingRecordSchema = z
  .object({
    stageId: StageIdSchema,
    viewerId: RecordedViewerIdSchema,
    ...windowFields,
    seconds: z.number().int().min(0).max(WINDOW_SEC).openapi({
      description:
        "Seconds the viewer watched in the window: heartbeat intervals with at least one heartbeat, tabs counted once.",
      example: 270,
    }),
  })
  .openapi("ViewingRecord", {
    description:
      "What one viewer watched of one stage in one window, kept permanently (for analytics and billing).",
  });

const page = <T extends z.ZodType>(items: T, name: string, description: string) =>
  z
    .object({
      items: z.array(items).openapi({ description, example: [] }),
      nextCursor: z.string().nullable().openapi({
        description: "Pass as `cursor` for the next page; `null` on the last page.",
        example: null,
      }),
    })
    .openapi(name);

export const SnapshotPageSchema = page(SnapshotSchema, "SnapshotPage", "Snapshots, oldest first.");
export const ViewingRecordPageSchema = page(
  ViewingRecordSchema,
  "ViewingRecordPage",
  "Viewing records, by window (oldest first), then viewer id.",
);

const rangeFields = {
  from: z.iso
    .datetime()
    .optional()
    .openapi({
      param: { name: "from", in: "query" },
      description: "Windows starting at or after this moment (default: 24 hours before `to`).",
      example: "2026-11-27T00:00:00.000Z",
    }),
  to: z.iso
    .datetime()
    .optional()
    .openapi({
      param: { name: "to", in: "query" },
      description:
        "Windows starting before this moment (default: now). At most 366 days after `from`.",
      example: "2026-11-28T00:00:00.000Z",
    }),
  cursor: CursorQuerySchema,
};

export const SnapshotQuerySchema = z.object({
  ...rangeFields,
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .default(100)
    .openapi({
      param: { name: "limit", in: "query" },
      description: "Page size, 1-500 (default 100).",
      example: 100,
    }),
});

export const ViewingRecordQuerySchema = z.object({
  ...rangeFields,
  viewerId: RecordedViewerIdSchema.optional().openapi({
    param: { name: "viewerId", in: "query" },
    description: "Only this viewer's records.",
  }),
  limit: z.coerce
    .number()
    .int()
    .min(50)
    .max(1000)
    .default(500)
    .openapi({
      param: { name: "limit", in: "query" },
      description:
        "Most records per page, 50-1000 (default 500). A page may hold fewer and still have a next page.",
      example: 500,
    }),
});

export const RollupSchema = z
  .object({
    stageId: StageIdSchema,
    period: z
      .enum(["hour", "day"])
      .openapi({ description: "What the figures cover.", example: "hour" }),
    periodStart: TimestampSchema.openapi({
      description: "Start of the hour or UTC day.",
      example: "2026-11-27T21:00:00.000Z",
    }),
    periodEnd: TimestampSchema.openapi({
      description: "Its end (exclusive).",
      example: "2026-11-27T22:00:00.000Z",
    }),
    uniqueViewers: z.number().int().min(0).openapi({
      description:
        "Distinct viewers who watched (played) in the period: exact for an hour; for a day, a HyperLogLog's estimate (standard error 0.81 %), see `uniqueViewersExact`.",
      example: 1502,
    }),
    uniqueViewersExact: z.boolean().openapi({
      description: "True for hours, false for days.",
      example: true,
    }),
    watchSeconds: z.number().int().min(0).openapi({
      description: "Seconds watched in the period, summed over viewers.",
      example: 4_802_300,
    }),
    peakViewers: z.number().int().min(0).openapi({
      description: "The largest 30-s concurrency in the period.",
      example: 1380,
    }),
    averageViewers: z.number().min(0).openapi({
      description: "Time-weighted mean concurrency: `watchSeconds` / the period's length in s.",
      example: 1334,
    }),
    countries: z
      .array(CountryRowSchema)
      .optional()
      .openapi({
        description: "Hours only: distinct viewers and seconds by country, most viewers first.",
        example: [{ country: "DE", viewers: 420, seconds: 1_300_000 }],
      }),
    devices: z
      .array(DeviceRowSchema)
      .optional()
      .openapi({
        description:
          "Hours only: distinct viewers and seconds by device class, most viewers first.",
        example: [{ device: "mobile", viewers: 880, seconds: 2_700_000 }],
      }),
  })
  .openapi("Rollup", {
    description:
      "A stage's figures for one hour or one UTC day, written by the sync job once the period's windows are all synced (about an hour and ten minutes after the hour's end), kept permanently.",
  });

export const RollupPageSchema = page(RollupSchema, "RollupPage", "Rollups, oldest first.");

export const RollupQuerySchema = z.object({
  period: z
    .enum(["hour", "day"])
    .default("hour")
    .openapi({
      param: { name: "period", in: "query" },
      description: "Hours (default) or UTC days.",
      example: "hour",
    }),
  ...rangeFields,
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .default(168)
    .openapi({
      param: { name: "limit", in: "query" },
      description: "Page size, 1-500 (default 168: a week of hours).",
      example: 168,
    }),
});

export const SeriesPointSchema = z
  .object({
    at: TimestampSchema.openapi({
      description: "Start of the point's interval (30 s, 5 min, an hour or a UTC day).",
      example: "2026-11-27T21:30:00.000Z",
    }),
    peakViewers: z.number().int().min(0).openapi({
      description: "The largest 30-s concurrency in the interval.",
      example: 1380,
    }),
    averageViewers: z.number().min(0).openapi({
      description: "Time-weighted mean concurrency over the interval.",
      example: 1341,
    }),
    uniqueViewers: z.number().int().min(0).openapi({
      description:
        "Distinct viewers who watched in the interval (for `1d`, a HyperLogLog's estimate, standard error 0.81 %).",
      example: 1502,
    }),
    watchSeconds: z.number().int().min(0).openapi({
      description:
        "Seconds watched in the interval, summed over viewers (for `30s`: the viewers times 30).",
      example: 402_300,
    }),
  })
  .openapi("SeriesPoint");

export const SeriesSchema = z
  .object({
    stageId: StageIdSchema,
    resolution: z.enum(["30s", "5m", "1h", "1d"]).openapi({
      description: "The interval each point covers.",
      example: "5m",
    }),
    points: z.array(SeriesPointSchema).openapi({
      example: [
        {
          at: "2026-11-27T21:30:00.000Z",
          peakViewers: 1380,
          averageViewers: 1341,
          uniqueViewers: 1502,
          watchSeconds: 402_300,
        },
      ],
      description:
        "Oldest first; intervals in which nobody watched have no point (a gap, not a zero: the data cannot tell them from intervals not yet synced).",
    }),
    nextCursor: z.string().nullable().openapi({
      description: "Pass as `cursor` for the next page; null on the last page.",
      example: null,
    }),
  })
  .openapi("Series", {
    description:
      "A stage's audience over time. `30s` and `5m` come from snapshots (kept `SNAPSHOT_RETENTION_DAYS`, 30 by default), `1h` and `1d` from rollups (kept permanently, written about an hour after each hour).",
  });

export const SeriesQuerySchema = z.object({
  resolution: z
    .enum(["30s", "5m", "1h", "1d"])
    .default("5m")
    .openapi({
      param: { name: "resolution", in: "query" },
      description:
        "`30s` (ranges of at most a day), `5m` (at most 31 days), `1h` or `1d` (at most 366 days). Default `5m`.",
      example: "5m",
    }),
  ...rangeFields,
  limit: z.coerce
    .number()
    .int()
    .min(10)
    .max(2880)
    .default(500)
    .openapi({
      param: { name: "limit", in: "query" },
      description: "Most points per page, 10-2880 (default 500).",
      example: 500,
    }),
});

export const ExportQuerySchema = z.object({
  from: rangeFields.from,
  to: z.iso
    .datetime()
    .optional()
    .openapi({
      param: { name: "to", in: "query" },
      description:
        "Windows starting before this moment (default: now). At most a day after `from`.",
      example: "2026-11-28T00:00:00.000Z",
    }),
});

export const BreakdownSchema = z
  .object({
    stageId: StageIdSchema,
    by: z
      .enum(["country", "device"])
      .openapi({ description: "What the rows are.", example: "country" }),
    from: TimestampSchema.openapi({
      description: "Start of the range.",
      example: "2026-11-27T00:00:00.000Z",
    }),
    to: TimestampSchema.openapi({
      description: "End of the range (exclusive).",
      example: "2026-11-28T00:00:00.000Z",
    }),
    hours: z.number().int().min(0).openapi({
      description:
        "Hours of the range with a rollup (hours are rolled up about an hour after they end).",
      example: 24,
    }),
    rows: z
      .array(
        z.object({
          key: z.string().openapi({
            description: "The country code (or `unknown`), or the device class.",
            example: "DE",
          }),
          viewerHours: z.number().int().min(0).openapi({
            description:
              "Each hour's distinct viewers, summed over the hours: a viewer who watched in three hours counts three times. Over a single hour, exactly its distinct viewers.",
            example: 9_840,
          }),
          seconds: z
            .number()
            .int()
            .min(0)
            .openapi({ description: "Seconds watched.", example: 31_260_000 }),
        }),
      )
      .openapi({
        description: "Most seconds first.",
        example: [{ key: "DE", viewerHours: 9_840, seconds: 31_260_000 }],
      }),
  })
  .openapi("Breakdown", {
    description:
      "A stage's audience by country or device class over a range of whole hours, from the hourly rollups.",
  });

export const BreakdownQuerySchema = z.object({
  by: z
    .enum(["country", "device"])
    .default("country")
    .openapi({
      param: { name: "by", in: "query" },
      description: "`country` (default) or `device`.",
      example: "country",
    }),
  from: rangeFields.from,
  to: rangeFields.to,
});
