import { z } from "@hono/zod-openapi";
import { ARCHITECTURE_IDS } from "@viewer-presence/shared/cost/types";

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
      description: "Concurrent viewers, watching around the clock.",
      example: 10_000,
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
        "Upstash commands per heartbeat (default: this system's measured figure, shared/cost/measured.ts).",
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
        "Upstash bandwidth per heartbeat, request plus response body bytes (default: this system's measured figure, shared/cost/measured.ts).",
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
      "Cloudflare Workers: plan minimum, requests beyond those included, CPU time.",
      281.72,
    ),
    redis: number("The hot store: Upstash commands, storage and bandwidth, or a fixed plan.", 100),
    dynamoWrites: number("DynamoDB write units.", 2.79),
    dynamoReads: number("DynamoDB read units.", 0),
    dynamoStorage: number("DynamoDB storage.", 5.58),
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
        "`binding`: it decided the choice, or usage is at 80 % of it or more; `exceeded`: usage is over it.",
      example: "binding",
    }),
  })
  .openapi("CostLimit");

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
    total: number("Monthly total, US dollars.", 390.11),
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
