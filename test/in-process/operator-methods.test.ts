/**
 * The operator routes' keys whatever the method (issue 21): Hono answers HEAD with the GET
 * handler, so HEAD must need what GET needs; and a method a path does not have must not turn an
 * operator path public. The routes come from the contract, so a new one is covered when added.
 */

import { describe, expect, it } from "vitest";
import { contractRoutes } from "../../openapi/routes";
import { adminHeaders } from "../test-env";
import { createHarness, readProblem } from "./harness";

type Security = { security?: Record<string, string[]>[] };

/** The contract's operations that name an operator key (admin or analytics) in their security. */
const operatorRoutes = contractRoutes.filter((route) =>
  ((route as Security).security ?? []).some((r) => "adminKey" in r || "analyticsKey" in r),
);

/** A request path for a route template, with a value for each of its parameters. */
function concrete(template: string, stageId: string): string {
  const values: Record<string, string> = {
    stageId,
    broadcastId: "1764450000000",
    viewerId: "user-1234",
  };
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no test value for {${name}} in ${template}`);
    return value;
  });
}

describe("operator routes, whatever the method", () => {
  it("has operator GET routes to check (the contract is read, not a hand list)", () => {
    const gets = operatorRoutes.filter((route) => route.method === "get");
    expect(gets.map((route) => route.operationId)).toEqual(
      expect.arrayContaining(["listStages", "listStageSnapshots", "getViewerWatchTime"]),
    );
  });

  it("answers HEAD on every operator GET route as GET: 401 without a key, GET's status with one", async () => {
    // Totals are private here, so every operation that names an operator key needs one.
    const h = createHarness({ bindings: { PUBLIC_VIEWER_TOTALS: "false" } });
    const stageId = await h.createStage();
    const gets = operatorRoutes.filter((route) => route.method === "get");
    const anonymous: Record<string, number> = {};
    const keyed: Record<string, number> = {};
    const asGet: Record<string, number> = {};
    for (const route of gets) {
      const path = concrete(route.path, stageId);
      const refused = await h.request(path, { method: "HEAD" });
      anonymous[path] = refused.status;
      if (refused.status === 401) {
        expect(refused.headers.get("www-authenticate"), path).toContain("Bearer");
      }
      const head = await h.request(path, { method: "HEAD", headers: adminHeaders });
      expect(await head.text(), path).toBe("");
      keyed[path] = head.status;
      asGet[path] = (await h.request(path, { headers: adminHeaders })).status;
    }
    expect(anonymous).toEqual(Object.fromEntries(Object.keys(anonymous).map((p) => [p, 401])));
    expect(keyed).toEqual(asGet);
  });

  it("refuses, without a key, a method an operator path does not have, rather than treating it as public", async () => {
    const h = createHarness({ bindings: { PUBLIC_VIEWER_TOTALS: "false" } });
    const stageId = await h.createStage();
    const paths = [...new Set(operatorRoutes.map((route) => concrete(route.path, stageId)))];
    const statuses: Record<string, number> = {};
    for (const path of paths) {
      for (const method of ["PUT", "DELETE", "PATCH", "POST", "QUERY", "PURGE"]) {
        const has = operatorRoutes.some(
          (route) =>
            route.method.toUpperCase() === method && concrete(route.path, stageId) === path,
        );
        if (has) continue; // the operation's own check is tested elsewhere
        const response = await h.request(path, {
          method,
          headers: { "content-type": "application/json" },
          ...(method === "PUT" || method === "PATCH" || method === "POST" ? { body: "{}" } : {}),
        });
        statuses[`${method} ${path}`] = response.status;
        if (response.status === 401) await readProblem(response);
      }
    }
    expect(statuses).toEqual(Object.fromEntries(Object.keys(statuses).map((k) => [k, 401])));
  });

  it("still answers HEAD on public routes without a key", async () => {
    const h = createHarness();
    const stageId = await h.createStage();
    for (const path of [`/v1/stages/${stageId}`, `/v1/stages/${stageId}/viewers`, "/v1/viewers"]) {
      expect((await h.request(path, { method: "HEAD" })).status, path).toBe(200);
    }
  });
});
