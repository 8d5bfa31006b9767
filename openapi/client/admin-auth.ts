import type { Middleware } from "openapi-fetch";
import type { operations, paths } from "../types.gen";

/** An operation the contract secures with the operator's admin key (`security: adminKey`). */
export interface AdminOperation {
  operationId: keyof operations;
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  path: keyof paths;
}

/**
 * The operations that take `Authorization: Bearer <ADMIN_API_KEY>` (`getViewerTotals` takes it
 * where the deployment keeps totals private, and ignores it elsewhere). The generated types do not
 * carry `security`, so this list is kept by hand; `admin-auth.test.ts` compares it with
 * `openapi.json` and fails when the contract adds or drops an admin operation.
 */
export const ADMIN_OPERATIONS = [
  { operationId: "getViewerTotals", method: "GET", path: "/v1/viewers" },
  { operationId: "listStages", method: "GET", path: "/v1/stages" },
  { operationId: "createStage", method: "POST", path: "/v1/stages" },
  { operationId: "updateStage", method: "PATCH", path: "/v1/stages/{stageId}" },
  { operationId: "issueViewerToken", method: "POST", path: "/v1/stages/{stageId}/viewer-tokens" },
  { operationId: "listStageSnapshots", method: "GET", path: "/v1/stages/{stageId}/snapshots" },
  { operationId: "listStageRollups", method: "GET", path: "/v1/stages/{stageId}/rollups" },
  { operationId: "getStageSeries", method: "GET", path: "/v1/stages/{stageId}/series" },
  { operationId: "getStageBreakdown", method: "GET", path: "/v1/stages/{stageId}/breakdown" },
  {
    operationId: "exportViewingRecords",
    method: "GET",
    path: "/v1/stages/{stageId}/viewing-records/export",
  },
  {
    operationId: "listViewingRecords",
    method: "GET",
    path: "/v1/stages/{stageId}/viewing-records",
  },
  { operationId: "listBroadcasts", method: "GET", path: "/v1/stages/{stageId}/broadcasts" },
  {
    operationId: "getBroadcast",
    method: "GET",
    path: "/v1/stages/{stageId}/broadcasts/{broadcastId}",
  },
  {
    operationId: "getViewerWatchTime",
    method: "GET",
    path: "/v1/viewers/{viewerId}/watch-time",
  },
] as const satisfies readonly AdminOperation[];

/** Whether `method` on the schema path (with `{braces}`, as openapi-fetch names it) is admin-only. */
export function isAdminOperation(method: string, schemaPath: string): boolean {
  const upper = method.toUpperCase();
  return ADMIN_OPERATIONS.some((op) => op.method === upper && op.path === schemaPath);
}

/**
 * An openapi-fetch middleware that adds `Authorization: Bearer <adminKey>` to admin operations
 * only. Viewer operations are left alone on purpose: the edge reads any bearer credential on
 * `sendHeartbeat`/`leaveStage` as a viewer token, so an admin key there would turn an anonymous
 * heartbeat into a 401. A header the caller set on the call itself wins.
 */
export function adminKeyMiddleware(adminKey: string): Middleware {
  const authorization = `Bearer ${adminKey}`;
  return {
    onRequest({ request, schemaPath }) {
      if (!isAdminOperation(request.method, schemaPath)) return undefined;
      if (request.headers.has("Authorization")) return undefined;
      request.headers.set("Authorization", authorization);
      return undefined;
    },
  };
}
