/**
 * No input may produce a 500: every route is sent malformed methods, bodies, headers, ids and
 * queries, and must answer with a problem+json 4xx (or a success) every time.
 */
import { describe, expect, it } from "vitest";
import { adminHeaders } from "../test-env";
import { createHarness } from "./harness";

const bodies = [
  "",
  "{",
  "null",
  "[]",
  '"text"',
  "123",
  '{"token": 5}',
  '{"token": "a.b.c"}',
  '{"title": null}',
  '{"title": "x", "id": "../../etc"}',
  `{"title": "${"x".repeat(300)}"}`,
  '{"viewerId": "a|b"}',
  '{"anonymousId": "short"}',
  '{"__proto__": {"admin": true}}',
  "\u0000\u0001\u0002",
];
const types = [
  "application/json",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "",
];

describe("no input produces a 500", () => {
  it("survives malformed requests on every route", async () => {
    const h = createHarness();
    const stageId = await h.createStage();
    const token = await h.token("fuzz", stageId);
    const paths = [
      "/v1/stages",
      `/v1/stages/${stageId}`,
      `/v1/stages/${stageId}/heartbeats`,
      `/v1/stages/${stageId}/leave`,
      `/v1/stages/${stageId}/viewers`,
      `/v1/stages/${stageId}/viewer-tokens`,
      `/v1/stages/${stageId}/snapshots?from=x&to=y&limit=-1`,
      `/v1/stages/${stageId}/viewing-records?viewerId=%00&cursor=%ZZ`,
      "/v1/stages/%E0%A4%A/heartbeats",
      `/v1/stages/${"s".repeat(200)}`,
      "/v1/viewers?x=1",
      "/v1/cost-estimates?viewers=1e309&stages=-1",
      "/health",
      "/docs",
      "/openapi.json",
    ];
    const authorizations = [
      undefined,
      adminHeaders.authorization,
      `Bearer ${token}`,
      "Bearer",
      "Bearer a b",
      "\u00ff",
    ];
    let requests = 0;
    for (const path of paths) {
      for (const method of ["GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"]) {
        for (const [i, body] of bodies.entries()) {
          const headers: Record<string, string> = {};
          const type = types[i % types.length]!;
          if (type !== "") headers["content-type"] = type;
          const authorization = authorizations[i % authorizations.length];
          if (authorization !== undefined) headers.authorization = authorization;
          const init: RequestInit = { method, headers };
          if (method !== "GET" && method !== "OPTIONS") init.body = body;
          let response: Response;
          try {
            response = await h.request(path, init);
          } catch {
            continue; // a Request the fetch API itself refuses (e.g. a header it cannot carry) never reaches the app
          }
          requests++;
          expect(response.status, `${method} ${path} ${JSON.stringify(body)}`).toBeLessThan(500);
          if (response.status >= 400) {
            expect(response.headers.get("content-type"), `${method} ${path}`).toBe(
              "application/problem+json",
            );
          }
          h.advance(1_000); // keep the per-viewer rate limit out of the way
        }
      }
    }
    expect(requests).toBeGreaterThan(1000);
  });

  it("answers CORS preflights for the viewer routes and exposes Retry-After", async () => {
    const h = createHarness({ bindings: { CORS_ORIGINS: "https://player.example" } });
    const stageId = await h.createStage();
    const preflight = await h.request(`/v1/stages/${stageId}/heartbeats`, {
      method: "OPTIONS",
      headers: {
        origin: "https://player.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://player.example");
    expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toContain(
      "authorization",
    );
    const counted = await h.request(`/v1/stages/${stageId}/viewers`, {
      headers: { origin: "https://player.example" },
    });
    expect(counted.headers.get("access-control-expose-headers")).toContain("Retry-After");
    const stranger = await h.request(`/v1/stages/${stageId}/viewers`, {
      headers: { origin: "https://evil.example" },
    });
    expect(stranger.headers.get("access-control-allow-origin")).toBeNull();
  });
});
