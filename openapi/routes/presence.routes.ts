import { createRoute } from "@hono/zod-openapi";
import { StageParamsSchema } from "../schemas/common";
import {
  AnonymousSessionRequestSchema,
  HeartbeatQuerySchema,
  HeartbeatSchema,
  StageViewersSchema,
  ViewerBodySchema,
  ViewerTotalsSchema,
} from "../schemas/presence";
import { problemResponses } from "../schemas/problem";
import { ViewerTokenSchema } from "../schemas/token";

/** Count reads are the same for everyone for a few seconds: shared caches may keep them. */
const CACHE_FOR_SECONDS = {
  "Cache-Control": {
    description: "`public, max-age=5`: a CDN or browser may reuse the answer for 5 s.",
    schema: { type: "string", example: "public, max-age=5" },
  },
} as const;

/** Public, unless PUBLIC_VIEWER_TOTALS=false: then the analytics key or the admin key. */
const totalsSecurity: Record<string, string[]>[] = [{}, { analyticsKey: [] }, { adminKey: [] }];

/** A viewer token, or none in the header (then it is in the body). */
const viewerSecurity: Record<string, string[]>[] = [{ viewerToken: [] }, {}];

const viewerBody = {
  required: false as const,
  description:
    "JSON, sent as `application/json` or as `text/plain` (what `navigator.sendBeacon` sends with a string). May be empty when the token is in `Authorization`.",
  content: {
    "application/json": { schema: ViewerBodySchema },
    "text/plain": { schema: ViewerBodySchema },
  },
};

export const sendHeartbeatRoute = createRoute({
  operationId: "sendHeartbeat",
  method: "post",
  path: "/v1/stages/{stageId}/heartbeats",
  tags: ["Presence"],
  summary: "Say a viewer is watching",
  description:
    "Marks the viewer present on the stage and, while the player is playing (`state`), credits watch time. Send one when playback starts and then every `nextHeartbeatInMs`. Several tabs of one viewer count once. Costs one Upstash request of one Redis command when it carries the last answer's `ticket` (about five without one, once an hour).",
  security: viewerSecurity,
  request: { params: StageParamsSchema, query: HeartbeatQuerySchema, body: viewerBody },
  responses: {
    200: {
      description: "Counted. The body carries the live count and when to send the next one.",
      content: { "application/json": { schema: HeartbeatSchema } },
    },
    ...problemResponses(400, 401, 403, 404, 410, 413, 415, 429, 503),
  },
});

export const leaveStageRoute = createRoute({
  operationId: "leaveStage",
  method: "post",
  path: "/v1/stages/{stageId}/leave",
  tags: ["Presence"],
  summary: "Say a viewer left",
  description:
    "Removes the viewer from the live count at once, instead of after the presence TTL. Made for `navigator.sendBeacon` on `pagehide`: the token may travel in a `text/plain` JSON body.",
  security: viewerSecurity,
  request: { params: StageParamsSchema, body: viewerBody },
  responses: {
    204: { description: "The viewer is no longer counted (also when they were not)." },
    ...problemResponses(400, 401, 403, 404, 413, 415, 429, 503),
  },
});

export const startAnonymousSessionRoute = createRoute({
  operationId: "startAnonymousSession",
  method: "post",
  path: "/v1/stages/{stageId}/anonymous-sessions",
  tags: ["Presence"],
  summary: "Start watching without an account",
  description:
    "On stages that allow anonymous viewers: a viewer token for a new anonymous viewer (id `~` and 22 random characters), valid 10 minutes; send it in heartbeats like any viewer token, and renew it before or after it expires by sending it back here (the id stays). Limited per client IP address (10 a minute by default, Cloudflare's Rate Limiting), so one address can keep at most 130 anonymous viewers counted (10 in each fixed minute of the last 12: the token lifetime plus the 2-minute presence TTL, and a burst at a minute boundary). Tabs of one browser should share the token so they count once.",
  security: [],
  request: {
    params: StageParamsSchema,
    body: {
      required: false,
      description: "Empty, or `{ token }` to renew a session.",
      content: { "application/json": { schema: AnonymousSessionRequestSchema } },
    },
  },
  responses: {
    201: {
      description: "The session's viewer token.",
      content: { "application/json": { schema: ViewerTokenSchema } },
    },
    ...problemResponses(400, 401, 403, 404, 410, 413, 415, 429, 503),
  },
});

export const getStageViewersRoute = createRoute({
  operationId: "getStageViewers",
  method: "get",
  path: "/v1/stages/{stageId}/viewers",
  tags: ["Presence"],
  summary: "Live viewers of a stage",
  description:
    "The same answer for everyone, so it is cacheable for a few seconds (`Cache-Control: public, max-age=5`). Viewers already get the count with each heartbeat; this is for pages that do not send heartbeats.",
  security: [],
  request: { params: StageParamsSchema },
  responses: {
    200: {
      description: "The live count.",
      headers: CACHE_FOR_SECONDS,
      content: { "application/json": { schema: StageViewersSchema } },
    },
    ...problemResponses(400, 404, 503),
  },
});

export const getViewerTotalsRoute = createRoute({
  operationId: "getViewerTotals",
  method: "get",
  path: "/v1/viewers",
  tags: ["Presence"],
  summary: "Live viewers over all stages",
  description:
    "Total live viewers and the number of stages with any. Cacheable for a few seconds. Public unless the deployment sets `PUBLIC_VIEWER_TOTALS=false`, in which case it needs the analytics key or the admin key.",
  security: totalsSecurity,
  responses: {
    200: {
      description: "The totals.",
      headers: CACHE_FOR_SECONDS,
      content: { "application/json": { schema: ViewerTotalsSchema } },
    },
    ...problemResponses(401, 503),
  },
});
