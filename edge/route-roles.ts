import type { Config } from "@viewer-presence/shared/config";
import { contractRoutes } from "../openapi/routes";

/** A route template of the contract (`/v1/stages/{stageId}`) as a matcher of request paths. */
function pathMatcher(template: string): RegExp {
  const pattern = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith("{") ? "[^/]+" : part.replace(/[.*+?^$()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${pattern}$`);
}

type Security = { security?: Record<string, string[]>[] };
type Body = { request?: { body?: { required?: boolean } } };

/**
 * Who may call an operation, read from its `security` in the contract (one home for who may
 * call what):
 * - `admin`: only with the admin key (`adminKey`);
 * - `reader`: with the read-only analytics key or the admin key;
 * - `reader-unless-public`: as `reader`, but the operation also lists `{}` (no credentials):
 *   public in deployments that say so (`getViewerTotals` with PUBLIC_VIEWER_TOTALS).
 * Operations callable by anyone, or by a viewer, have no operator role.
 */
export type OperatorRole = "admin" | "reader" | "reader-unless-public";

function roleOf(security: Record<string, string[]>[]): OperatorRole | undefined {
  const operator = security.filter((r) => "adminKey" in r || "analyticsKey" in r);
  if (operator.length === 0) return undefined;
  const readers = operator.some((r) => "analyticsKey" in r);
  const open = security.some((r) => Object.keys(r).length === 0);
  // Any other scheme beside the operator's (a viewer token) would make it a viewer route.
  if (operator.length + (open ? 1 : 0) !== security.length) return undefined;
  if (open) return "reader-unless-public";
  return readers ? "reader" : "admin";
}

/** One operation of the contract, as the request paths it answers and who may call it. */
export interface PathOperation {
  method: string;
  path: RegExp;
  /** `undefined`: no operator key (a public or a viewer operation). */
  role: OperatorRole | undefined;
}

const operations: readonly PathOperation[] = contractRoutes.flatMap((route) => {
  const operation = {
    method: route.method.toUpperCase(),
    path: pathMatcher(route.path),
    role: roleOf((route as Security).security ?? []),
  };
  // Hono answers HEAD with the GET handler (which runs in full), so HEAD is that operation.
  return operation.method === "GET" ? [operation, { ...operation, method: "HEAD" }] : [operation];
});

/** Every operation of the contract on a request path, whatever its method (HEAD as GET's). */
export function operationsAt(path: string): PathOperation[] {
  return operations.filter((op) => op.path.test(path));
}

const STRICTNESS = { admin: 3, reader: 2, "reader-unless-public": 1 } as const;

/** The role that admits fewest callers; `undefined` only if no operation has a role. */
function strictest(roles: (OperatorRole | undefined)[]): OperatorRole | undefined {
  let found: OperatorRole | undefined;
  for (const role of roles) {
    if (role !== undefined && (found === undefined || STRICTNESS[role] > STRICTNESS[found])) {
      found = role;
    }
  }
  return found;
}

/**
 * The operator role a request needs, if any, from the operation that answers it (HEAD is
 * answered by GET's). Fails closed: a method the path does not have (OPTIONS, DELETE, one made
 * up) needs the strictest role of the path's operations, so no method turns an operator path
 * public, whatever the router then does with it.
 */
export function operatorRoleOf(method: string, path: string): OperatorRole | undefined {
  const here = operationsAt(path);
  const asked = method.toUpperCase();
  const own = here.filter((op) => op.method === asked);
  return strictest((own.length > 0 ? own : here).map((op) => op.role));
}

/**
 * Whether a role needs a key in this deployment: always, except `reader-unless-public` where
 * PUBLIC_VIEWER_TOTALS makes it public.
 */
export function needsOperatorKey(
  role: OperatorRole | undefined,
  config: Pick<Config, "publicViewerTotals">,
): boolean {
  if (role === undefined) return false;
  return role !== "reader-unless-public" || !config.publicViewerTotals;
}

/** Whether a request is for an operation that needs an operator's key (admin or analytics). */
export function isAdminOperation(method: string, path: string): boolean {
  const role = operatorRoleOf(method, path);
  return role === "admin" || role === "reader";
}

const viewerBodyOperations = contractRoutes
  .filter((route) => (route as Body).request?.body?.required === false)
  .map((route) => ({ method: route.method.toUpperCase(), path: pathMatcher(route.path) }));

/**
 * Whether a request is for an operation whose body is optional, read from the contract: the
 * viewer routes (heartbeats, leave, anonymous sessions), whose small body may be empty, or JSON
 * sent as `text/plain` by `navigator.sendBeacon`.
 */
export function isOptionalBodyOperation(method: string, path: string): boolean {
  const asked = method.toUpperCase();
  return viewerBodyOperations.some((op) => op.method === asked && op.path.test(path));
}
