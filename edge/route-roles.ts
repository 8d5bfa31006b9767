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

const operatorOperations = contractRoutes.flatMap((route) => {
  const role = roleOf((route as Security).security ?? []);
  return role === undefined
    ? []
    : [{ method: route.method.toUpperCase(), path: pathMatcher(route.path), role }];
});

/**
 * The operator role a request needs, if any. A preflight (`OPTIONS`) is judged by the method it
 * asks for (`Access-Control-Request-Method`).
 */
export function operatorRoleOf(
  method: string,
  path: string,
  preflightMethod?: string,
): OperatorRole | undefined {
  const asked = (method === "OPTIONS" ? (preflightMethod ?? "") : method).toUpperCase();
  return operatorOperations.find((op) => op.method === asked && op.path.test(path))?.role;
}

/** Whether a request is for an operation that needs an operator's key (admin or analytics). */
export function isAdminOperation(method: string, path: string, preflightMethod?: string): boolean {
  const role = operatorRoleOf(method, path, preflightMethod);
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
