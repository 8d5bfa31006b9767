/**
 * What CORS preflights grant (issue 21): a browser caches a preflight's answer for the URL and
 * then sends the requests it allows without asking again, so the answer must follow the roles of
 * every operation on the path, and grant no method the path does not have. The operations come
 * from the contract, so a new route is covered when added.
 */

import { describe, expect, it } from "vitest";
import { contractRoutes } from "../../openapi/routes";
import { createHarness, type Harness } from "./harness";

type Security = { security?: Record<string, string[]>[] };

const STRANGER = "https://evil.example";
const CONSOLE = "https://console.example";
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

/** Whether an operation names an operator key and no `{}` (no credentials) in its security. */
const needsKey = (route: (typeof contractRoutes)[number]) => {
  const security = (route as Security).security ?? [];
  return (
    security.some((r) => "adminKey" in r || "analyticsKey" in r) &&
    !security.some((r) => Object.keys(r).length === 0)
  );
};

function preflight(h: Harness, path: string, method: string, origin: string) {
  return h.request(path, {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": method,
      "access-control-request-headers": "authorization, content-type",
    },
  });
}

/** What a preflight granted: the allowed origin and methods, `null` for none. */
async function granted(h: Harness, path: string, method: string, origin: string) {
  const response = await preflight(h, path, method, origin);
  return {
    origin: response.headers.get("access-control-allow-origin"),
    methods:
      response.headers.get("access-control-allow-methods")?.split(",").sort().join(",") ?? null,
  };
}

/** Each path of the contract (for a stage), with the methods its operations answer. */
function contractPaths(stageId: string) {
  const paths = new Map<string, { methods: Set<string>; keyed: Set<string> }>();
  for (const route of contractRoutes) {
    if (!route.path.startsWith("/v1/")) continue;
    const path = route.path
      .replace("{stageId}", stageId)
      .replace("{broadcastId}", "1764450000000")
      .replace("{viewerId}", "user-1234");
    const entry = paths.get(path) ?? { methods: new Set(), keyed: new Set() };
    const methods = route.method === "get" ? ["GET", "HEAD"] : [route.method.toUpperCase()];
    for (const method of methods) {
      entry.methods.add(method);
      if (needsKey(route)) entry.keyed.add(method);
    }
    paths.set(path, entry);
  }
  return paths;
}

describe("CORS preflights", () => {
  it("reproduces issue 21: no grant for a method /v1/stages does not have, from any origin", async () => {
    const h = createHarness({ bindings: { CORS_ORIGINS: `*,${CONSOLE}` } });
    const response = await preflight(h, "/v1/stages", "PATCH", STRANGER);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    expect(response.headers.get("access-control-allow-methods")).toBeNull();
    expect(await granted(h, "/v1/stages", "PATCH", CONSOLE)).toEqual({
      origin: null,
      methods: null,
    });
  });

  it("grants a stranger only the operations that need no key, and lists only those", async () => {
    const h = createHarness({ bindings: { CORS_ORIGINS: `*,${CONSOLE}` } });
    const stageId = await h.createStage();
    const seen: Record<string, unknown> = {};
    const expected: Record<string, unknown> = {};
    for (const [path, { methods, keyed }] of contractPaths(stageId)) {
      const open = [...methods].filter((method) => !keyed.has(method));
      // A path with an operator GET or POST is closed to strangers: a cached grant of
      // `Authorization` for its URL would let those through without another preflight.
      const closed = [...keyed].some((method) => ["GET", "HEAD", "POST"].includes(method));
      for (const method of METHODS) {
        const grant = !closed && open.includes(method);
        seen[`${method} ${path}`] = await granted(h, path, method, STRANGER);
        expected[`${method} ${path}`] = grant
          ? { origin: "*", methods: open.sort().join(",") }
          : { origin: null, methods: null };
      }
    }
    expect(seen).toEqual(expected);
  });

  it("grants a console's named origin every operation of the path, and only those", async () => {
    const h = createHarness({ bindings: { CORS_ORIGINS: `*,${CONSOLE}` } });
    const stageId = await h.createStage();
    const seen: Record<string, unknown> = {};
    const expected: Record<string, unknown> = {};
    for (const [path, { methods }] of contractPaths(stageId)) {
      for (const method of METHODS) {
        seen[`${method} ${path}`] = await granted(h, path, method, CONSOLE);
        expected[`${method} ${path}`] = methods.has(method)
          ? { origin: CONSOLE, methods: [...methods].sort().join(",") }
          : { origin: null, methods: null };
      }
    }
    expect(seen).toEqual(expected);
  });

  it("keeps private totals to named origins, and every route to them without `*`", async () => {
    const closed = createHarness({
      bindings: { CORS_ORIGINS: `*,${CONSOLE}`, PUBLIC_VIEWER_TOTALS: "false" },
    });
    expect((await granted(closed, "/v1/viewers", "GET", STRANGER)).origin).toBeNull();
    expect((await granted(closed, "/v1/viewers", "GET", CONSOLE)).origin).toBe(CONSOLE);
    const open = createHarness({ bindings: { CORS_ORIGINS: `*,${CONSOLE}` } });
    expect((await granted(open, "/v1/viewers", "GET", STRANGER)).origin).toBe("*");

    const listed = createHarness({ bindings: { CORS_ORIGINS: CONSOLE } });
    const stageId = await listed.createStage();
    const heartbeats = `/v1/stages/${stageId}/heartbeats`;
    expect(await granted(listed, heartbeats, "POST", STRANGER)).toEqual({
      origin: null,
      methods: null,
    });
    expect(await granted(listed, heartbeats, "POST", CONSOLE)).toEqual({
      origin: CONSOLE,
      methods: "POST",
    });
  });

  it("sends no CORS grant on an actual request a preflight would have refused", async () => {
    const h = createHarness({ bindings: { CORS_ORIGINS: `*,${CONSOLE}` } });
    const stageId = await h.createStage();
    const read = await h.request(`/v1/stages/${stageId}`, { headers: { origin: STRANGER } });
    expect(read.headers.get("access-control-allow-origin")).toBe("*");
    const made = await h.request(`/v1/stages/${stageId}`, {
      method: "PATCH",
      headers: { origin: STRANGER, "content-type": "application/json" },
      body: "{}",
    });
    expect(made.headers.get("access-control-allow-origin")).toBeNull();
  });
});
