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

/** The operator's keys: the admin key, and the read-only analytics key. */
const OPERATOR_KEYS = ["adminKey", "analyticsKey"];

// Operator-only: every way to call it needs an operator's key (an operation that also lists
// `{}`, no credentials, is public at least in some deployments).
const adminOperations = contractRoutes
  .filter((route) => {
    const security = (route as Security).security ?? [];
    return (
      security.length > 0 &&
      security.every((requirement) => OPERATOR_KEYS.some((key) => key in requirement))
    );
  })
  .map((route) => ({ method: route.method.toUpperCase(), path: pathMatcher(route.path) }));

/**
 * Whether a request is for an operation that needs an operator's key (admin or analytics), read
 * from the contract's `security` (one home for who may call what). A preflight (`OPTIONS`) is judged by the method
 * it asks for (`Access-Control-Request-Method`).
 */
export function isAdminOperation(method: string, path: string, preflightMethod?: string): boolean {
  const asked = (method === "OPTIONS" ? (preflightMethod ?? "") : method).toUpperCase();
  return adminOperations.some((op) => op.method === asked && op.path.test(path));
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
