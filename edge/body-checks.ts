import type { Context, MiddlewareHandler, Next } from "hono";
import { bodyLimit } from "hono/body-limit";
import { problemResponse, problems } from "./problems";
import { isOptionalBodyOperation } from "./route-roles";

/** Largest body the viewer routes take (a token and an id fit in well under 1 KB). */
export const VIEWER_BODY_LIMIT_BYTES = 4096;
/** Largest body any route takes. */
export const BODY_LIMIT_BYTES = 16_384;

const tooLarge = (c: Context) =>
  problemResponse(
    c,
    413,
    "payload_too_large",
    "Payload too large",
    "The request body is too large.",
  );

/**
 * Bodies are limited first (4 KB on the viewer routes, whose bodies are optional, 16 KB
 * elsewhere: 413), then checked: a route whose body must be JSON answers 415 to anything else,
 * before validation; an empty body on a viewer route counts as no body.
 */
export function bodyChecks(): MiddlewareHandler {
  const viewerBodyLimit = bodyLimit({ maxSize: VIEWER_BODY_LIMIT_BYTES, onError: tooLarge });
  const bodyLimitOfAny = bodyLimit({ maxSize: BODY_LIMIT_BYTES, onError: tooLarge });
  return async (c, next) => {
    if (!isOptionalBodyOperation(c.req.method, c.req.path)) {
      return bodyLimitOfAny(c, () => requireJson(c, next));
    }
    return viewerBodyLimit(c, () => dropEmptyBody(c, next));
  };
}

/** Routes whose body must be JSON answer 415 to anything else, before validation. */
async function requireJson(c: Context, next: Next): Promise<void> {
  if (c.req.method === "POST" || c.req.method === "PATCH") {
    const type = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase() ?? "";
    if (type !== "application/json") throw problems.unsupportedMediaType(type);
  }
  await next();
}

/**
 * The viewer routes' bodies are optional: a JSON request with no body at all (what many
 * generated clients send) is a request without a body, not malformed JSON.
 */
async function dropEmptyBody(c: Context, next: Next): Promise<void> {
  const type = c.req.header("content-type");
  if (type !== undefined && (await c.req.raw.clone().text()).trim() === "") {
    const headers = new Headers(c.req.raw.headers);
    headers.delete("content-type");
    c.req.raw = new Request(c.req.raw.url, { method: c.req.method, headers });
  }
  await next();
}
