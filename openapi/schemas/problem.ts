import { z } from "@hono/zod-openapi";

/** Stable problem codes; each becomes the `type` URI `/problems/<code>` (RFC 9457). */
export const PROBLEM_CODES = [
  "validation",
  "unauthorized",
  "forbidden",
  "not_found",
  "not_acceptable",
  "stage_ended",
  "conflict",
  "payload_too_large",
  "unsupported_media_type",
  "upgrade_required",
  "rate_limited",
  "store_unavailable",
  "partially_applied",
  "misconfigured",
  "internal",
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];
/** The `type` of each problem code, as the contract lists them. */
export const PROBLEM_TYPES = PROBLEM_CODES.map((code) => `/problems/${code}` as const) as [
  `/problems/${ProblemCode}`,
  ...`/problems/${ProblemCode}`[],
];

export const ProblemFieldSchema = z
  .object({
    path: z.string().openapi({
      description: "Where the bad value is: `body.title`, `query.limit`…",
      example: "body.title",
    }),
    message: z.string().openapi({
      description: "What is wrong with it.",
      example: "Too small: expected string to have >=1 characters",
    }),
  })
  .openapi("ProblemField");

export const ProblemSchema = z
  .object({
    type: z.enum(PROBLEM_TYPES).openapi({
      description:
        "A stable URI reference naming the kind of problem, `/problems/<code>`: switch on it. `store_unavailable`: Redis or DynamoDB did not answer (retry after `Retry-After`); `partially_applied`: a change is stored but not in force (retry the same request); `misconfigured`: the deployment's configuration is invalid.",
      example: "/problems/validation",
    }),
    title: z.string().openapi({
      description: "A short, human-readable summary of the kind of problem.",
      example: "Invalid request",
    }),
    status: z.number().int().openapi({ description: "The HTTP status code.", example: 400 }),
    detail: z.string().optional().openapi({
      description: "An explanation specific to this occurrence.",
      example: "1 field is invalid: body.title",
    }),
    errors: z
      .array(ProblemFieldSchema)
      .optional()
      .openapi({
        description: "For validation problems: every offending field.",
        example: [
          { path: "body.title", message: "Too small: expected string to have >=1 characters" },
        ],
      }),
  })
  .openapi("Problem", { description: "An error, as `application/problem+json` (RFC 9457)." });

const problemStatusText = {
  400: "The request is invalid; `errors` names each bad field.",
  401: "The credentials are missing, malformed, expired or not valid.",
  403: "The credentials are valid but do not allow this.",
  404: "No such stage (or route).",
  406: "None of the media types `Accept` names is one this operation answers.",
  409: "The resource already exists.",
  410: "The stage has ended and accepts no more heartbeats.",
  413: "The request body is too large.",
  415: "The request body has a media type this operation does not take.",
  426: "The operation is a WebSocket: send the upgrade (`Connection: Upgrade`, `Upgrade: websocket`).",
  429: "Too many requests; wait for `Retry-After` seconds.",
  503: "A backing store is unreachable or the service is misconfigured; retry after `Retry-After` seconds.",
} as const;
export type ProblemStatus = keyof typeof problemStatusText;

/** `Retry-After`, sent with every 429 and 503 (RFC 9110): seconds to wait before retrying. */
const RETRY_AFTER_HEADER = {
  "Retry-After": {
    description: "Seconds to wait before retrying.",
    schema: { type: "integer", minimum: 1, example: 5 },
  },
} as const;

/** Declares problem responses for a route: `...problemResponses(400, 401, 503)`. */
export function problemResponses<const S extends ProblemStatus>(...statuses: S[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: problemStatusText[status],
        ...(status === 429 || status === 503 ? { headers: RETRY_AFTER_HEADER } : {}),
        content: { "application/problem+json": { schema: ProblemSchema } },
      },
    ]),
  ) as unknown as {
    [K in S]: {
      description: string;
      content: { "application/problem+json": { schema: typeof ProblemSchema } };
    };
  };
}
