import { z } from "@hono/zod-openapi";
import { MAX_STAGE_DATABASES } from "@viewer-presence/shared/stage";
import { CursorQuerySchema, plainText, StageIdSchema, TimestampSchema } from "./common";

const title = plainText(1, 200).openapi({
  description: "A human-readable name for the stage (no control characters).",
  example: "Friday night concert",
});
const allowAnonymous = z.boolean().openapi({
  description:
    "Whether viewers without a token of yours may join: each gets a short-lived token from `startAnonymousSession` (no credentials, limited per address) and sends it like any viewer token. Anonymous viewers are counted, but their ids say nothing about who they are: do not bill them.",
  example: false,
});
const auditTrail = z.boolean().openapi({
  description:
    "Whether every accepted heartbeat is also kept as an audit event (the seed's scheme 2). Off by default because it multiplies DynamoDB writes; see the cost model.",
  example: false,
});
const stageArn = plainText(1, 2048).openapi({
  description: "The AWS IVS stage ARN this stage mirrors, if any (kept for reference).",
  example: "arn:aws:ivs:us-east-1:123456789012:stage/abcdEFGH1234",
});
const databases = z.number().int().min(1).max(MAX_STAGE_DATABASES).openapi({
  description:
    "How many of the deployment's Redis databases this stage's viewers are spread over, for an audience larger than one database carries (about 92,000 viewers at 10,000 commands/s, with their peak of 1.5 times as many at the top of the hour; `npm run cost` prints it for other inputs). Each viewer writes to one of them; the live count is their sum; the sync job reads them all. Fixed at creation. Absent means 1; more than the databases configured means all of them.",
  example: 4,
});
const status = z.enum(["live", "ended"]).openapi({
  description: "`live` stages accept heartbeats; `ended` stages refuse them with 410.",
  example: "live",
});

export const StageSchema = z
  .object({
    id: StageIdSchema,
    title,
    status,
    allowAnonymous,
    auditTrail,
    stageArn: stageArn.optional(),
    databases: databases.optional(),
    createdAt: TimestampSchema.openapi({ description: "When the stage was created." }),
    updatedAt: TimestampSchema.openapi({ description: "When the stage was last changed." }),
  })
  .openapi("Stage", {
    description: "A stage's configuration, kept in DynamoDB and cached in Redis.",
  });

export const CreateStageSchema = z
  .object({
    id: StageIdSchema.optional().openapi({
      description: "The stage id to use; a random one is chosen when absent.",
    }),
    title,
    allowAnonymous: allowAnonymous.default(false),
    auditTrail: auditTrail.default(false),
    stageArn: stageArn.optional(),
    databases: databases.optional(),
  })
  .strict()
  .openapi("CreateStage");

export const UpdateStageSchema = z
  .object({
    title: title.optional(),
    status: status.optional(),
    allowAnonymous: allowAnonymous.optional(),
    auditTrail: auditTrail.optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: "Give at least one field to change" })
  .openapi("UpdateStage", {
    description: "The fields to change; an ended stage may be set `live` again.",
    example: { status: "ended" },
  });

export const StageListSchema = z
  .object({
    items: z.array(StageSchema).openapi({
      description: "Stages in id order.",
      example: [
        {
          id: "concert-42",
          title: "Friday night concert",
          status: "live",
          allowAnonymous: false,
          auditTrail: false,
          createdAt: "2026-11-27T21:30:00.000Z",
          updatedAt: "2026-11-27T21:30:00.000Z",
        },
      ],
    }),
    nextCursor: z.string().nullable().openapi({
      description: "Pass as `cursor` to get the next page; `null` on the last page.",
      example: null,
    }),
  })
  .openapi("StageList");

export const ListStagesQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(50)
    .openapi({
      param: { name: "limit", in: "query" },
      description: "Page size, 1-100 (default 50).",
      example: 50,
    }),
  cursor: CursorQuerySchema,
});
