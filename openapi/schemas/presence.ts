import { z } from "@hono/zod-openapi";
import { StageIdSchema, TimestampSchema, ViewerIdSchema } from "./common";

export const ViewerBodySchema = z
  .object({
    token: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,2048}$/)
      .optional()
      .openapi({
        description:
          "The viewer token, when it cannot go in the `Authorization` header (`navigator.sendBeacon` sets no headers).",
        example: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEyMzQifQ.c2lnbmF0dXJl",
      }),
    anonymousId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{8,64}$/)
      .optional()
      .openapi({
        description:
          "On stages that allow anonymous viewers: a random id (8-64 letters, digits, `_` or `-`) the browser keeps for the session, shared by its tabs so they count once.",
        example: "3f0c9a7e-5b1d-4e8a-9c2f-0d6b7e1a2b3c",
      }),
  })
  .strict()
  .openapi("ViewerBody", {
    description: "Who is sending: a token here or in `Authorization: Bearer`, or an anonymous id.",
  });

export const HeartbeatSchema = z
  .object({
    stageId: StageIdSchema,
    viewerId: ViewerIdSchema.openapi({
      description: "The viewer this heartbeat counted for (anonymous ids are prefixed `anon:`).",
    }),
    viewers: z.number().int().min(0).openapi({
      description:
        "Live viewers on the stage (at most 10 s old), or a restore estimate when `estimated`.",
      example: 1234,
    }),
    estimated: z.boolean().openapi({
      description:
        "True while `viewers` is the last snapshot's count rather than a live count: for one presence TTL after Redis lost its data, until live heartbeats have rebuilt presence. Show it as approximate.",
      example: false,
    }),
    nextHeartbeatInMs: z.number().int().min(1000).openapi({
      description:
        "When to send the next heartbeat, in ms, jitter included. Follow it: the server lengthens it under load or budget.",
      example: 27340,
    }),
  })
  .openapi("Heartbeat");

export const StageViewersSchema = z
  .object({
    stageId: StageIdSchema,
    viewers: z.number().int().min(0).openapi({
      description: "Viewers who sent a heartbeat within the presence TTL.",
      example: 1234,
    }),
    estimated: z.boolean().openapi({
      description:
        "True while the figure is the last snapshot's, restored after Redis lost its data, until live heartbeats have rebuilt presence.",
      example: false,
    }),
    asOf: TimestampSchema.openapi({
      description:
        "When the figure was true: now for a live count, the snapshot's time for an estimate.",
    }),
  })
  .openapi("StageViewers");

export const ViewerTotalsSchema = z
  .object({
    viewers: z.number().int().min(0).openapi({
      description:
        "Live viewers summed over all stages (a viewer watching two stages counts on each).",
      example: 10000,
    }),
    activeStages: z.number().int().min(0).openapi({
      description: "Stages with at least one live viewer.",
      example: 12,
    }),
    asOf: TimestampSchema.openapi({ description: "When the figures were read." }),
  })
  .openapi("ViewerTotals");
