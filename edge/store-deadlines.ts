import {
  ADMIN_ROUTE_DEADLINES,
  type StoreDeadlines,
  VIEWER_ROUTE_DEADLINES,
} from "@viewer-presence/shared/deadlines";
import { isAdminOperation } from "./route-roles";

/**
 * The deadlines of a request's store calls (shared/deadlines.ts says which and why): the
 * operator's for the operations the contract secures with the admin key alone; the players'
 * for every other route, where a late answer is worse than a quick 503, so any route added
 * later gets them unless the contract makes it admin-only.
 */
export function storeDeadlines(method: string, path: string): StoreDeadlines {
  return isAdminOperation(method, path) ? ADMIN_ROUTE_DEADLINES : VIEWER_ROUTE_DEADLINES;
}
