import { z } from "@hono/zod-openapi";
import { MAX_VIEWER_TOKEN_TTL_SEC } from "@viewer-presence/tokens";
import { RecordedViewerIdSchema, StageIdSchema, TimestampSchema, ViewerIdSchema } from "./common";

export const IssueViewerTokenSchema = z
  .object({
    viewerId: ViewerIdSchema,
    ttlSec: z
      .number()
      .int()
      .min(60)
      .max(MAX_VIEWER_TOKEN_TTL_SEC)
      .default(3600)
      .openapi({
        description: `Lifetime in seconds, 60-${MAX_VIEWER_TOKEN_TTL_SEC}.`,
        example: 3600,
      }),
  })
  .strict()
  .openapi("IssueViewerToken");

export const ViewerTokenSchema = z
  .object({
    token: z.string().openapi({
      description: "An HS256 JWT: subject the viewer, bound to the stage, expiring at `expiresAt`.",
      example: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEyMzQifQ.c2lnbmF0dXJl",
    }),
    viewerId: RecordedViewerIdSchema,
    stageId: StageIdSchema,
    expiresAt: TimestampSchema.openapi({ description: "When the token stops being accepted." }),
  })
  .openapi("ViewerToken");
