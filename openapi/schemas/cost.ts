import { z } from "@hono/zod-openapi";
import { ARCHITECTURE_IDS } from "@viewer-presence/cost/types";

const number = (description: string, example: number) =>
  z.number().openapi({ description, example });

export const CostQuerySchema = z.object({
  viewers: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000_000)
    .openapi({
      param: { name: "viewers", in: "query" },
      description:
        "Concurrent viewers on average while live (`hoursLive` hours a day, around the clock by default), peaking at `peak` times as many (plans are sized for the peak).",
      example: 10_000,
    }),
  hoursLive: z.coerce
    .number()
    .gt(0)
    .max(24)
    .optional()
    .openapi({
      param: { name: "hoursLive", in: "query" },
      type: "number",
      description: "Hours a day the audience watches (default 24; a 2-hour show a day: 2).",
      example: 2,
    }),
  peak: z.coerce
    .number()
    .min(1)
    .max(100)
    .optional()
    .openapi({
      param: { name: "peak", in: "query" },
      type: "number",
      description:
        "Peak concurrent viewers over the average while live (default 1.5); databases and plans are sized for the peak.",
      example: 2,
    }),
  sessionMinutes: z.coerce
    .number()
    .gt(0)
    .max(1440)
    .optional()
    .openapi({
      param: { name: "sessionMinutes", in: "query" },
      type: "number",
      description:
        "How long a viewer stays, in minutes (default 60): each session ends in a leave.",
      example: 60,
    }),
  anonymous: z.coerce
    .number()
    .min(0)
    .max(1)
    .optional()
    .openapi({
      param: { name: "anonymous", in: "query" },
      type: "number",
      description:
        "Share of viewers without a token of yours, each starting an anonymous session (default 0).",
      example: 0.2,
    }),
  stages: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .optional()
    .openapi({
      param: { name: "stages", in: "query" },
      description: "Stages the viewers are spread over (default 10).",
      example: 10,
    }),
  interval: z.coerce
    .number()
    .min(1)
    .max(3600)
    .optional()
    .openapi({
      param: { name: "interval", in: "query" },
      description: "Seconds between a viewer's heartbeats (default 30).",
      example: 30,
    }),
  commands: z.coerce
    .number()
    .min(0)
    .max(100)
    .optional()
    .openapi({
      param: { name: "commands", in: "query" },
      // Not nullable: a generated client would send `commands=null` (refused with 400).
      type: "number",
      description:
        "Upstash commands per heartbeat (default: this system's measured figure, cost/measured.ts).",
      example: 1.31,
    }),
  bytes: z.coerce
    .number()
    .min(0)
    .max(1_000_000)
    .optional()
    .openapi({
      param: { name: "bytes", in: "query" },
      type: "number",
      description:
        "Upstash bandwidth per heartbeat, request plus response body bytes (default: this system's measured figure, cost/measured.ts).",
      example: 103,
    }),
  tabs: z.coerce
    .number()
    .min(1)
    .max(20)
    .optional()
    .openapi({
      param: { name: "tabs", in: "query" },
      type: "number",
      description:
        "Browser tabs or players per viewer, each sending its own heartbeats (default 1: a real audience's is not measured here).",
      example: 1.2,
    }),
  packing: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .optional()
    .openapi({
      param: { name: "packing", in: "query" },
      description: "Viewing records packed per DynamoDB item of at most 1 KB (default 20).",
      example: 20,
    }),
  consistency: z
    .enum(["eventual", "strong"])
    .optional()
    .openapi({
      param: { name: "consistency", in: "query" },
      description:
        "Consistency of DynamoDB count reads in the architectures that read (default eventual).",
      example: "eventual",
    }),
});

const TiersSchema = z
  .object({
    edge: number(
      "Cloudflare Workers: plan minimum, requests beyond those included (heartbeats, leaves, anonymous tokens, cron, consoles), CPU time.",
      307.17,
    ),
    objects: number(
      "Cloudflare Durable Objects (the WebSocket transport): requests beyond those included (upgrades, incoming messages counted 20 to 1, flush alarms) and duration.",
      0,
    ),
    logs: number(
      "Workers Logs (Cloudflare Observability): GB ingested and kept beyond the included. With invocation logs off, as wrangler.toml has them, only the lines the worker writes.",
      0,
    ),
    redis: number(
      "The hot store: Upstash commands, storage and bandwidth, or a fixed plan (ElastiCache nodes in the reference row).",
      100,
    ),
    dynamoWrites: number("DynamoDB write units.", 1.96),
    dynamoReads: number("DynamoDB read units.", 0.16),
    dynamoStorage: number("DynamoDB storage, 100 B of overhead an item included.", 3.16),
    transfer: number("AWS data transfer out (DynamoDB answering an edge worker).", 0),
  })
  .openapi("CostTiers", { description: "Monthly US dollars per tier." });

const LimitSchema = z
  .object({
    name: z.string().openapi({ description: "The limit.", example: "Fixed 5GB monthly bandwidth" }),
    used: number("Usage against it.", 157),
    limit: number("The limit's value.", 500),
    unit: z.string().openapi({ description: "Unit of `used` and `limit`.", example: "GB/month" }),
    status: z.enum(["ok", "binding", "exceeded"]).openapi({
      description:
        "Per database or object where there are several. `binding`: usage is at 80 % of the limit or more; `exceeded`: over it. Which limit decided a plan is in the notes.",
      example: "ok",
    }),
  })
  .openapi("CostLimit");

const OptionSchema = z
  .object({
    name: z.string().openapi({ description: "What may be added.", example: "Upstash Prod Pack" }),
    monthlyUsd: number("What it adds to the month, US dollars (not in the total).", 200),
    note: z.string().openapi({
      description: "What it buys, and how it is priced.",
      example: "Uptime SLA, multi-zone replication, encryption at rest: $200 a month a database.",
    }),
  })
  .openapi("CostOption", {
    description: "Something a production deployment may add, priced apart from the total.",
  });

const RangeMoverSchema = z
  .object({
    name: z.string().openapi({
      description: "What is assumed instead of the measured input.",
      example: "Upstash meters HTTP headers too (530 B a heartbeat)",
    }),
    total: number("The monthly total with it, US dollars.", 512.45),
  })
  .openapi("CostRangeMover", { description: "One unknown moved, and the total it gives." });

const RangeSchema = z
  .object({
    low: number("The lowest total the unknowns give, US dollars a month.", 332.45),
    high: number("The highest, US dollars a month.", 589.69),
    movers: z.array(RangeMoverSchema).openapi({
      description:
        "Each unknown alone (steady-state heartbeats, headers metered, more tabs, anonymous viewers), then those that raise the total together and those that lower it together.",
      example: [{ name: "1.2 tabs a viewer (x1.2)", total: 473.07 }],
    }),
  })
  .openapi("CostRange", {
    description: "The total as a range: what nobody knows before an audience arrives, moved.",
  });

export const CostEstimateSchema = z
  .object({
    architecture: z
      .enum(ARCHITECTURE_IDS)
      .openapi({ description: "Which architecture.", example: "redis-snapshots-fixed" }),
    label: z
      .string()
      .openapi({ description: "A readable name.", example: "Upstash fixed + snapshots" }),
    usableFromEdge: z.boolean().openapi({
      description: "False when an edge worker cannot reach the hot store (ElastiCache).",
      example: true,
    }),
    keepsHistory: z.boolean().openapi({
      description: "Whether it keeps history (snapshots, viewing records or heartbeat events).",
      example: true,
    }),
    tiers: TiersSchema.openapi({ description: "Monthly US dollars per tier." }),
    total: number("Monthly total, US dollars.", 412.45),
    limits: z
      .array(LimitSchema)
      .openapi({ description: "Limits checked against the workload.", example: [] }),
    plan: z
      .object({
        name: z.string().openapi({ description: "Plan or node.", example: "Fixed 5GB" }),
        databases: z.number().int().openapi({ description: "How many of it.", example: 1 }),
      })
      .optional()
      .openapi({
        description: "The plan or node chosen, where the architecture chooses one.",
        example: { name: "Fixed 5GB", databases: 1 },
      }),
    notes: z.array(z.string()).openapi({
      description: "Why the figures are what they are.",
      example: ["Edge tier included."],
    }),
    options: z.array(OptionSchema).openapi({
      description:
        "What a production deployment may add (Upstash's Prod Pack, DynamoDB point-in-time recovery, Workers invocation logs), priced, not in the total.",
      example: [
        {
          name: "DynamoDB point-in-time recovery",
          monthlyUsd: 7.53,
          note: "Billed on the table's size.",
        },
      ],
    }),
    range: RangeSchema,
    storageByMonth: z
      .array(
        z
          .object({
            month: z
              .number()
              .int()
              .openapi({ description: "Months since the start.", example: 12 }),
            gb: number("DynamoDB storage held then, GB.", 22.3),
            usd: number("Its monthly price then, US dollars (25 GB free).", 0),
          })
          .openapi("CostStorageAtMonth"),
      )
      .openapi({
        description:
          "DynamoDB storage at months 1, 12 and 36: viewing records and rollups are kept for good, so it grows.",
        example: [{ month: 12, gb: 22.3, usd: 0 }],
      }),
  })
  .openapi("CostEstimate");

export const CostComparisonSchema = z
  .object({
    pricesAsOf: z
      .string()
      .openapi({ description: "The date the prices were read.", example: "2026-11-27" }),
    estimates: z
      .array(CostEstimateSchema)
      .openapi({ description: "One per architecture, cheapest first.", example: [] }),
  })
  .openapi("CostComparison");
