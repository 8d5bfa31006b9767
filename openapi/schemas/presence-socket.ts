import { z } from "@hono/zod-openapi";
import { StageIdSchema, TimestampSchema } from "./common";
import { ProblemSchema } from "./problem";

/**
 * The presence connection: one WebSocket per viewer (or per watching page) on
 * `GET /v1/stages/{stageId}/presence`, held by the stage's Durable Object shard. Presence is the
 * open socket; the page says what the player does, and the server pushes the count when it
 * changes. Every message is one JSON text frame; these schemas are the one definition of them
 * (the edge parses with them, the typed client and the contract's documents are made from them).
 */

/** The exact text of the keepalive ping, and of its answer (an auto-response: the object sleeps). */
export const SOCKET_PING = '{"type":"ping"}';
export const SOCKET_PONG = '{"type":"pong"}';

/**
 * Close codes. 1000: the viewer left (or the server closed a socket that stopped pinging).
 * 1001/1006/1011/1012: the server went away (a deploy, a restart): reconnect with jittered backoff.
 * 4000 + an HTTP status: the matching problem was sent just before (`problem` message):
 * 4401 token expired or not valid (get a new token, reconnect), 4403/4404/4410 final (not
 * allowed, no such stage, stage ended), 4400 a message the server cannot read, 4429/4503 retry
 * after backoff.
 */
export const SOCKET_CLOSE = {
  left: 1000,
  problemBase: 4000,
} as const;

/** The close code that goes with a problem's HTTP status. */
export function closeCodeOf(status: number): number {
  return SOCKET_CLOSE.problemBase + status;
}

const TokenTextSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,2048}$/);

/** Query of the upgrade request: browsers cannot set headers on a WebSocket. */
export const PresenceSocketQuerySchema = z.object({
  token: TokenTextSchema.optional().openapi({
    param: { name: "token", in: "query" },
    description:
      "The viewer token (an anonymous session's token too). Required unless `watch` is true. Renew it on the open socket with a `token` message before it expires; a socket whose token expired is closed with 4401.",
    example: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEyMzQifQ.c2lnbmF0dXJl",
  }),
  watch: z
    .enum(["true", "false"])
    .optional()
    .openapi({
      param: { name: "watch", in: "query" },
      description:
        "`true`: watch the stage's count without being counted (no token needed, as `getStageViewers`).",
      example: "false",
    }),
  state: z
    .enum(["playing", "paused", "buffering"])
    .optional()
    .openapi({
      param: { name: "state", in: "query" },
      description: "What the player is doing when the socket opens (default `playing`).",
      example: "playing",
    }),
});

/** Client → server: what the player does now. Only `playing` earns watch time. */
export const SocketStateMessageSchema = z
  .object({
    type: z.literal("state").openapi({ description: "The message's kind.", example: "state" }),
    state: z.enum(["playing", "paused", "buffering"]).openapi({
      description: "What the player does now; only `playing` earns watch time.",
      example: "paused",
    }),
  })
  .strict()
  .openapi("SocketStateMessage");

/** Client → server: a fresh viewer token for this socket (before the one it opened with expires). */
export const SocketTokenMessageSchema = z
  .object({
    type: z.literal("token").openapi({ description: "The message's kind.", example: "token" }),
    token: TokenTextSchema.openapi({
      description: "A fresh viewer token of the same viewer and stage.",
      example: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEyMzQifQ.c2lnbmF0dXJl",
    }),
  })
  .strict()
  .openapi("SocketTokenMessage");

/** Client → server: the viewer leaves; the server stops counting them at once and closes 1000. */
export const SocketLeaveMessageSchema = z
  .object({
    type: z.literal("leave").openapi({ description: "The message's kind.", example: "leave" }),
  })
  .strict()
  .openapi("SocketLeaveMessage");

/** Every message a client may send (besides the exact ping text {@link SOCKET_PING}). */
export const SocketClientMessageSchema = z
  .discriminatedUnion("type", [
    SocketStateMessageSchema,
    SocketTokenMessageSchema,
    SocketLeaveMessageSchema,
  ])
  .openapi("SocketClientMessage");

/** Server → client: the stage's count, sent when the socket opens and whenever it changes. */
export const SocketCountMessageSchema = z
  .object({
    type: z.literal("count").openapi({ description: "The message's kind.", example: "count" }),
    stageId: StageIdSchema,
    viewers: z
      .number()
      .int()
      .min(0)
      .openapi({ description: "Viewers of the stage now (as `getStageViewers`).", example: 1234 }),
    estimated: z.boolean().openapi({
      description: "True while the figure is a restore estimate (as in `getStageViewers`).",
      example: false,
    }),
    asOf: TimestampSchema.openapi({ description: "When the figure was true." }),
    pingEveryMs: z.number().int().min(1000).openapi({
      description:
        'Send the ping text `{"type":"ping"}` this often; a socket silent for two of these is closed.',
      example: 30000,
    }),
  })
  .strict()
  .openapi("SocketCountMessage");

/** Server → client: why the socket is about to close (the close code is 4000 + `status`). */
export const SocketProblemMessageSchema = z
  .object({
    type: z.literal("problem").openapi({ description: "The message's kind.", example: "problem" }),
    problem: ProblemSchema,
  })
  .strict()
  .openapi("SocketProblemMessage");

/** Every message the server sends (besides the pong text {@link SOCKET_PONG}). */
export const SocketServerMessageSchema = z
  .discriminatedUnion("type", [SocketCountMessageSchema, SocketProblemMessageSchema])
  .openapi("SocketServerMessage");

export type SocketClientMessage = z.infer<typeof SocketClientMessageSchema>;
export type SocketServerMessage = z.infer<typeof SocketServerMessageSchema>;
export type SocketCountMessage = z.infer<typeof SocketCountMessageSchema>;
