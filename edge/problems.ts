import type { Context } from "hono";
import type { ProblemCode, ProblemStatus } from "../openapi/schemas/problem";

export interface ProblemField {
  path: string;
  message: string;
}

/**
 * An error that is meant for the client: it carries the status, the stable problem code and a
 * detail, and becomes `application/problem+json` in the app's one `onError`.
 */
export class HttpProblem extends Error {
  override readonly name = "HttpProblem";
  constructor(
    readonly status: ProblemStatus,
    readonly code: ProblemCode,
    readonly title: string,
    readonly detail?: string,
    readonly extra: { errors?: ProblemField[]; retryAfterSec?: number } = {},
  ) {
    super(detail ?? title);
  }
}

/** A backing store (Redis or DynamoDB) failed to answer; the request may be retried. */
export class StoreUnavailableError extends Error {
  override readonly name = "StoreUnavailableError";
  readonly code = "store_unavailable";
  /**
   * Already counted by the database's guard (edge/redis-guard.ts), which logs failures once
   * per interval: the app does not log it again per request.
   */
  readonly counted: boolean;
  /** Seconds the client should wait before retrying (default 5). */
  readonly retryAfterSec: number;
  constructor(
    readonly store: "redis" | "dynamodb",
    options: { cause: unknown; counted?: boolean; retryAfterSec?: number },
  ) {
    super(`${store} is unreachable`, { cause: options.cause });
    this.counted = options.counted ?? false;
    this.retryAfterSec = options.retryAfterSec ?? 5;
  }
}

export const problems = {
  validation: (errors: ProblemField[]) =>
    new HttpProblem(
      400,
      "validation",
      "Invalid request",
      `${errors.length} ${errors.length === 1 ? "field is" : "fields are"} invalid: ${errors.map((e) => e.path).join(", ")}`,
      { errors },
    ),
  unauthorized: (detail: string) => new HttpProblem(401, "unauthorized", "Unauthorized", detail),
  forbidden: (detail: string) => new HttpProblem(403, "forbidden", "Forbidden", detail),
  stageNotFound: (stageId: string) =>
    new HttpProblem(404, "not_found", "Not found", `There is no stage "${stageId}".`),
  stageEnded: (stageId: string) =>
    new HttpProblem(410, "stage_ended", "Stage ended", `Stage "${stageId}" has ended.`),
  conflict: (detail: string) => new HttpProblem(409, "conflict", "Conflict", detail),
  notAcceptable: (offered: string) =>
    new HttpProblem(406, "not_acceptable", "Not acceptable", `Ask for ${offered} in \`Accept\`.`),
  unsupportedMediaType: (contentType: string) =>
    new HttpProblem(
      415,
      "unsupported_media_type",
      "Unsupported media type",
      `The body must be application/json${contentType === "" ? "" : `, not ${contentType}`}.`,
    ),
  /** A change stored durably but not in force, that the client must retry to finish. */
  partiallyApplied: (detail: string) =>
    new HttpProblem(503, "partially_applied", "Change not in force", detail, { retryAfterSec: 5 }),
  upgradeRequired: () =>
    new HttpProblem(
      426,
      "upgrade_required",
      "Upgrade required",
      "This is a WebSocket: open it with `Upgrade: websocket` (a browser's `new WebSocket(url)`).",
    ),
  rateLimited: (retryAfterSec: number) =>
    new HttpProblem(429, "rate_limited", "Too many requests", `Retry after ${retryAfterSec} s.`, {
      retryAfterSec,
    }),
};

/** Writes a problem response; `Retry-After` is set when the problem carries one. */
export function problemResponse(
  c: Context,
  status: ProblemStatus | 500,
  code: ProblemCode,
  title: string,
  detail?: string,
  extra: { errors?: ProblemField[]; retryAfterSec?: number } = {},
): Response {
  const body = {
    type: `/problems/${code}`,
    title,
    status,
    ...(detail === undefined ? {} : { detail }),
    ...(extra.errors === undefined ? {} : { errors: extra.errors }),
  };
  const headers: Record<string, string> = { "content-type": "application/problem+json" };
  if (extra.retryAfterSec !== undefined) headers["retry-after"] = String(extra.retryAfterSec);
  return c.body(JSON.stringify(body), status, headers);
}
