import {
  ADMIN_ROUTE_DEADLINES,
  type StoreDeadlines,
  VIEWER_ROUTE_DEADLINES,
} from "../shared/deadlines";

/**
 * The operator's routes (they need the admin key): creating, listing and changing stages,
 * issuing viewer tokens, reading history. Every other route is called by players and public
 * pages, where a late answer is worse than a quick 503, so any route added later gets the
 * viewer deadlines unless it is listed here.
 */
const ADMIN_ROUTES: readonly [method: string, path: RegExp][] = [
  ["GET", /^\/v1\/stages$/],
  ["POST", /^\/v1\/stages$/],
  ["PATCH", /^\/v1\/stages\/[^/]+$/],
  ["POST", /^\/v1\/stages\/[^/]+\/viewer-tokens$/],
  ["GET", /^\/v1\/stages\/[^/]+\/(snapshots|viewing-records)$/],
];

/** The deadlines of a request's store calls (shared/deadlines.ts says which and why). */
export function storeDeadlines(method: string, path: string): StoreDeadlines {
  const admin = ADMIN_ROUTES.some(([m, pattern]) => m === method && pattern.test(path));
  return admin ? ADMIN_ROUTE_DEADLINES : VIEWER_ROUTE_DEADLINES;
}
