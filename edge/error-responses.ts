import type { Hook } from "@hono/zod-openapi";
import { ConfigError } from "@viewer-presence/shared/config";
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./env";
import { HttpProblem, problemResponse, problems, StoreUnavailableError } from "./problems";
import { validationErrors } from "./validation";

/** The routes' `defaultHook`: a request that fails its schema is a 400 naming every bad field. */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (!result.success) {
    throw problems.validation(
      validationErrors(result.error, result.target === "json" ? "body" : result.target),
    );
  }
};

/**
 * The app's one `onError`: every failure becomes problem+json. Typed problems answer as they
 * say; a store that did not answer, or a bad configuration, is a 503 with `Retry-After`; hono's
 * own refusals keep their status; anything else is a 500, logged with `logError`.
 */
export function problemOnError(
  logError: (message: string, error: unknown) => void,
): ErrorHandler<AppEnv> {
  return (error, c) => {
    if (error instanceof HttpProblem) {
      return problemResponse(c, error.status, error.code, error.title, error.detail, error.extra);
    }
    if (error instanceof StoreUnavailableError) {
      // Redis failures are counted and logged once per interval by their database's guard.
      if (!error.counted) logError(`${error.store} unavailable`, error.cause);
      return problemResponse(
        c,
        503,
        "store_unavailable",
        "Service unavailable",
        `${error.store === "redis" ? "Redis" : "DynamoDB"} did not answer; retry shortly.`,
        { retryAfterSec: error.retryAfterSec },
      );
    }
    if (error instanceof ConfigError) {
      logError("misconfigured", error);
      return problemResponse(c, 503, "misconfigured", "Service misconfigured", error.message, {
        retryAfterSec: 60,
      });
    }
    if (error instanceof HTTPException) {
      const refusal = httpExceptionResponse(c, error);
      if (refusal !== undefined) return refusal;
    }
    logError("unhandled error", error);
    return problemResponse(c, 500, "internal", "Internal error", "Something failed on our side.");
  };
}

/** Hono's own refusals as problem+json, or `undefined` for one that is a failure of ours. */
function httpExceptionResponse(c: Context, error: HTTPException): Response | undefined {
  // Refusals that carry their own response (bearerAuth's, already problem+json).
  if (error.res !== undefined) return error.getResponse();
  if (error.status === 400) {
    return problemResponse(c, 400, "validation", "Invalid request", error.message, {
      errors: [{ path: "body", message: error.message }],
    });
  }
  if (error.status === 415) {
    const problem = problems.unsupportedMediaType(c.req.header("content-type") ?? "");
    return problemResponse(c, 415, problem.code, problem.title, problem.detail);
  }
  return undefined;
}

/** The app's `notFound`: a path (or method) no route answers, as problem+json. */
export const notFoundProblem: NotFoundHandler<AppEnv> = (c) =>
  problemResponse(c, 404, "not_found", "Not found", `No route for ${c.req.method} ${c.req.path}.`);
