import { createRoute } from "@hono/zod-openapi";
import { StageParamsSchema } from "../schemas/common";
import { PresenceSocketQuerySchema, SOCKET_PING, SOCKET_PONG } from "../schemas/presence-socket";
import { problemResponses } from "../schemas/problem";

/**
 * The presence connection (issue 17): a WebSocket per viewer, or per page watching the count.
 * OpenAPI cannot describe the messages of a WebSocket, so the description names them and the
 * document carries their schemas as components (`SocketClientMessage`, `SocketServerMessage`,
 * openapi/document.ts), which generators emit as types.
 */
export const openPresenceSocketRoute = createRoute({
  operationId: "openPresenceSocket",
  method: "get",
  path: "/v1/stages/{stageId}/presence",
  tags: ["Presence"],
  summary: "Stay counted over one WebSocket, and get the count pushed",
  description: [
    "A WebSocket upgrade (`new WebSocket(url)`): while it is open the viewer is counted, with no heartbeats. Browsers cannot set headers on a WebSocket, so the viewer token (an anonymous session's too) travels as `token` in the query; `watch=true` opens a socket that only receives the count and is not counted (no token).",
    `Every message is one JSON text frame. Client → server: \`SocketClientMessage\` (\`{"type":"state","state":"paused"}\` when the player changes, \`{"type":"token","token":"…"}\` to renew the token before it expires, \`{"type":"leave"}\`), and the ping text \`${SOCKET_PING}\` every \`pingEveryMs\` (answered \`${SOCKET_PONG}\`; a socket silent for two of those is closed). Server → client: \`SocketServerMessage\`: \`count\` (\`SocketCountMessage\`) when the socket opens and whenever the stage's count changes, within about 2 s of a join or leave; \`problem\` (\`SocketProblemMessage\`) just before a close with code 4000 + its status (4400 a message the server cannot read, 4401 token expired, 4403/4404/4410 final, 4429/4503 retry with backoff). Close codes 1001/1006/1011/1012: the server went away (a deploy): reconnect with jittered backoff.`,
    "Only `playing` earns watch time; a `leave` (or closing the socket) stops the count at once. The socket's viewer is recorded exactly as heartbeats record it (the same Redis layout, once a slot), so a viewer on heartbeats and on a socket at once counts once, and history is the same. Refusals come before the upgrade, as problem+json. Stages that keep an audit trail take heartbeats only (403). Upgrades are rate limited (429 with `Retry-After`): a viewer's per viewer, watching sockets per client address and stage.",
  ].join("\n\n"),
  security: [],
  request: { params: StageParamsSchema, query: PresenceSocketQuerySchema },
  responses: {
    101: {
      description:
        "Switching protocols: the WebSocket is open. Its messages: `SocketClientMessage` and `SocketServerMessage` (components of this document).",
    },
    ...problemResponses(400, 401, 403, 404, 410, 426, 429, 503),
  },
});
