import {
  ADMIN_ROUTE_DEADLINES,
  type StoreDeadlines,
  VIEWER_ROUTE_DEADLINES,
} from "../shared/deadlines";

/** Routes players and public pages call, where an answer late is worse than a quick 503. */
const VIEWER_ROUTE = /^\/v1\/stages\/[^/]+\/(heartbeats|leave|viewers)$|^\/v1\/viewers$|^\/health$/;

/** The deadlines of a request's store calls, by its path (shared/deadlines.ts says why). */
export function storeDeadlines(path: string): StoreDeadlines {
  return VIEWER_ROUTE.test(path) ? VIEWER_ROUTE_DEADLINES : ADMIN_ROUTE_DEADLINES;
}
