import { ADMIN_ROUTE_DEADLINES, VIEWER_ROUTE_DEADLINES } from "@viewer-presence/shared/deadlines";
import { describe, expect, it } from "vitest";
import { storeDeadlines } from "./store-deadlines";

describe("storeDeadlines", () => {
  it("gives the operator's routes the admin deadlines", () => {
    for (const [method, path] of [
      ["GET", "/v1/stages"],
      ["POST", "/v1/stages"],
      ["PATCH", "/v1/stages/s1"],
      ["POST", "/v1/stages/s1/viewer-tokens"],
      ["GET", "/v1/stages/s1/snapshots"],
      ["GET", "/v1/stages/s1/viewing-records"],
    ] as const) {
      expect(storeDeadlines(method, path), `${method} ${path}`).toBe(ADMIN_ROUTE_DEADLINES);
    }
  });

  it("gives players' and public routes, and any other, the viewer deadlines", () => {
    for (const [method, path] of [
      ["POST", "/v1/stages/s1/heartbeats"],
      ["POST", "/v1/stages/s1/leave"],
      ["GET", "/v1/stages/s1/viewers"],
      ["GET", "/v1/stages/s1"],
      ["GET", "/v1/viewers"],
      ["GET", "/health"],
      ["POST", "/v1/stages/s1/some-new-route"],
    ] as const) {
      expect(storeDeadlines(method, path), `${method} ${path}`).toBe(VIEWER_ROUTE_DEADLINES);
    }
  });
});
