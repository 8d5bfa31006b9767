import { z } from "@hono/zod-openapi";
import { RecordedViewerIdSchema, StageIdSchema, TimestampSchema } from "./common";

/** A presence ticket as text (shared/presence-ticket.ts TICKET_PATTERN). */
const TicketTextSchema = z
  .string()
  .regex(/^[0-9]{1,9}\.[0-9]{1,9}(-[0-9]{1,9})?\.[A-Za-z0-9]{1,16}\.[A-Za-z0-9_-]{22}$/);

/** A token as text: base64url parts and dots (what it means is checked by its verifier). */
const TokenTextSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,2048}$/);

/** What the player is doing: only `playing` earns watch time; every state counts as present. */
export const HeartbeatQuerySchema = z.object({
  state: z
    .enum(["playing", "paused", "buffering"])
    .optional()
    .openapi({
      param: { name: "state", in: "query" },
      description:
        "What the player is doing. Every state counts the viewer as present (the live count); only `playing` is credited watch time (viewing records, billing), as services that bill by watch time do. Absent means `playing`, so clients that send no state are credited as before.",
      example: "playing",
    }),
  ticket: TicketTextSchema.optional().openapi({
    param: { name: "ticket", in: "query" },
    description:
      "The `ticket` of the last answer. With it a heartbeat costs one Redis command; without it (or with one that is stale: an hour ago, or Redis lost its data) the server looks the viewer up, which costs about four, and answers a new ticket. Without one, the heartbeat is taken for a page's first: its answer's count is counted afresh, after it, so that it includes this viewer (about six commands more), so send the ticket back with every heartbeat but the first. Late in an hour the answered ticket also names the viewer's place for the next hour, so it stays valid past the top of the hour. A well-formed ticket that is not valid (altered, another viewer's, last hour's, or from before Redis lost its data) is ignored, never refused; a malformed one is a 400, and so is a validly signed one naming an index the stage has not handed out this hour (only a holder of the viewer-token secret can make one), which writes nothing.",
    example: "493612.57.0.hY2bC1xk3mQ0pZr8sT4uVw",
  }),
});

export const ViewerBodySchema = z
  .object({
    token: TokenTextSchema.optional().openapi({
      description:
        "The viewer token, when it cannot go in the `Authorization` header (`navigator.sendBeacon` sets no headers).",
      example: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEyMzQifQ.c2lnbmF0dXJl",
    }),
  })
  .strict()
  .openapi("ViewerBody", {
    description:
      "Who is sending: a viewer token here or in `Authorization: Bearer` (an anonymous session's token is a viewer token too).",
  });

export const HeartbeatSchema = z
  .object({
    stageId: StageIdSchema,
    viewerId: RecordedViewerIdSchema.openapi({
      description:
        "The viewer this heartbeat counted for (an anonymous session's starts with `~`).",
    }),
    viewers: z.number().int().min(0).openapi({
      description:
        "Live viewers on the stage, or a restore estimate when `estimated`. The answer to a heartbeat sent without a ticket (a page's first) is counted after that heartbeat, so it includes this viewer; later answers may carry a count up to about 10 s old (`asOf`).",
      example: 1234,
    }),
    estimated: z.boolean().openapi({
      description:
        "True while `viewers` is the last snapshot's count rather than a live count: for one presence TTL after Redis lost its data, until live heartbeats have rebuilt presence. Show it as approximate.",
      example: false,
    }),
    asOf: TimestampSchema.openapi({
      description:
        "When `viewers` was true: when the live count was counted (at most about 10 s before this answer), or the snapshot's time for an estimate.",
    }),
    nextHeartbeatInMs: z.number().int().min(1000).openapi({
      description:
        "When to send the next heartbeat, in ms, jitter included. Follow it: the server lengthens it under load or budget.",
      example: 27340,
    }),
    ticket: TicketTextSchema.openapi({
      description:
        "Send it back as `?ticket=` with the next heartbeat of this viewer on this stage: it names the viewer's place in the stage's presence bitmaps (late in an hour, the next hour's too), so the server need not look it up. Signed; not a credential (the viewer token still is). Tabs may share it.",
      example: "493612.57.0.hY2bC1xk3mQ0pZr8sT4uVw",
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

export const AnonymousSessionRequestSchema = z
  .object({
    token: TokenTextSchema.optional().openapi({
      description:
        "To renew a session and keep its viewer id: its current token, even expired (up to a day).",
      example: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ-In0.c2lnbmF0dXJl",
    }),
  })
  .strict()
  .openapi("AnonymousSessionRequest", {
    description: "Empty to start a session; with `token` to renew one.",
  });
