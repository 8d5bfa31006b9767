import type { Config } from "@viewer-presence/shared/config";
import type { Context, MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { needsOperatorKey, operationsAt, type PathOperation } from "./route-roles";

type CorsConfig = Pick<Config, "corsOrigins" | "publicViewerTotals">;

/**
 * Methods a browser sends without a preflight of their own once a preflight of the same URL
 * granted the request's headers (Fetch's CORS-safelisted methods; Chromium's preflight cache
 * allows them whatever `Access-Control-Allow-Methods` listed).
 */
const SAFELISTED_METHODS = new Set(["GET", "HEAD", "POST"]);

/**
 * The methods a page on `origin` may call, from a browser, on a path with these operations.
 * An operation that needs an operator key is open only to origins CORS_ORIGINS names (never
 * through `*`); the others to any origin CORS_ORIGINS allows. A browser caches a grant per URL,
 * not per method, and then sends GET, HEAD and POST with the granted headers (`Authorization`)
 * without asking again: so an operator operation with one of those methods closes its whole
 * path to the origins it does not admit. A method the path does not have is never granted.
 */
export function corsMethods(
  operations: readonly PathOperation[],
  origin: string,
  config: CorsConfig,
): string[] {
  const named = origin !== "*" && config.corsOrigins.includes(origin);
  if (!named && !config.corsOrigins.includes("*")) return [];
  const admits = (op: PathOperation) => named || !needsOperatorKey(op.role, config);
  if (operations.some((op) => !admits(op) && SAFELISTED_METHODS.has(op.method))) return [];
  return [...new Set(operations.filter(admits).map((op) => op.method))];
}

/** What a request from `origin` is granted: its `Access-Control-Allow-*` values, or nothing. */
function grantOf(
  c: Context,
  origin: string,
  config: CorsConfig,
): { origin: string; methods: string[] } | undefined {
  const methods = corsMethods(operationsAt(c.req.path), origin, config);
  // A preflight is judged by the method it asks for; any other request by its own.
  const asked =
    c.req.method === "OPTIONS"
      ? (c.req.header("access-control-request-method") ?? "")
      : c.req.method;
  if (!methods.includes(asked.toUpperCase())) return undefined;
  const named = origin !== "*" && config.corsOrigins.includes(origin);
  return { origin: named ? origin : "*", methods };
}

/**
 * CORS for the API, hono's `cors` told per request what the path's operations allow the
 * request's origin (`corsMethods`): `Access-Control-Allow-Origin` only when the method asked
 * for is one of them, and `Access-Control-Allow-Methods` listing just those, so what a browser
 * caches (up to a day, `maxAge`) grants nothing else.
 */
export function corsPolicy(configFor: (c: Context) => CorsConfig): MiddlewareHandler {
  return cors({
    origin: (origin, c) => grantOf(c, origin, configFor(c))?.origin ?? null,
    allowMethods: (origin, c) => grantOf(c, origin, configFor(c))?.methods ?? [],
    allowHeaders: ["Authorization", "Content-Type"],
    exposeHeaders: ["Retry-After"],
    maxAge: 86_400,
  });
}
