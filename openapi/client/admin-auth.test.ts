import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ADMIN_OPERATIONS, isAdminOperation } from "./admin-auth";
import { createPresenceClient } from "./create-client";

interface OperationObject {
  operationId: string;
  security?: Record<string, string[]>[];
}

function adminOperationsInContract(): string[] {
  const url = new URL("../openapi.json", import.meta.url);
  const document = JSON.parse(readFileSync(url, "utf8")) as {
    paths: Record<string, Record<string, OperationObject>>;
  };
  const found: string[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const security = operation.security ?? [];
      if (security.some((requirement) => "adminKey" in requirement)) {
        found.push(`${operation.operationId} ${method.toUpperCase()} ${path}`);
      }
    }
  }
  return found.sort();
}

/** Records the Authorization header of each request and answers 200 with an empty object. */
function recordingFetch() {
  const seen: { url: string; authorization: string | null }[] = [];
  const fetch = async (request: Request) => {
    seen.push({ url: request.url, authorization: request.headers.get("Authorization") });
    return Response.json({}, { status: 200 });
  };
  return { fetch, seen };
}

describe("admin operations", () => {
  it("are exactly the operations openapi.json secures with adminKey", () => {
    const listed = ADMIN_OPERATIONS.map((op) => `${op.operationId} ${op.method} ${op.path}`);
    expect(listed.sort()).toEqual(adminOperationsInContract());
  });

  it("are matched by method and schema path", () => {
    expect(isAdminOperation("post", "/v1/stages")).toBe(true);
    expect(isAdminOperation("GET", "/v1/stages/{stageId}")).toBe(false);
    expect(isAdminOperation("POST", "/v1/stages/{stageId}/heartbeats")).toBe(false);
  });
});

describe("createPresenceClient with adminKey", () => {
  it("sends the key on admin operations only", async () => {
    const { fetch, seen } = recordingFetch();
    const client = createPresenceClient({ baseUrl: "https://p.test/", fetch, adminKey: "k-1" });
    await client.POST("/v1/stages", {
      body: { title: "Show", allowAnonymous: false, auditTrail: false },
    });
    await client.POST("/v1/stages/{stageId}/heartbeats", {
      params: { path: { stageId: "s1" } },
      body: { anonymousId: "a1" },
    });
    await client.GET("/v1/stages/{stageId}/viewers", { params: { path: { stageId: "s1" } } });

    expect(seen).toEqual([
      { url: "https://p.test/v1/stages", authorization: "Bearer k-1" },
      { url: "https://p.test/v1/stages/s1/heartbeats", authorization: null },
      { url: "https://p.test/v1/stages/s1/viewers", authorization: null },
    ]);
  });

  it("lets a header set on the call win", async () => {
    const { fetch, seen } = recordingFetch();
    const client = createPresenceClient({ baseUrl: "https://p.test", fetch, adminKey: "k-1" });
    await client.GET("/v1/stages", { headers: { Authorization: "Bearer other" } });
    expect(seen[0]?.authorization).toBe("Bearer other");
  });

  it("sends nothing without a key, and refuses an empty one", async () => {
    const { fetch, seen } = recordingFetch();
    await createPresenceClient({ baseUrl: "https://p.test", fetch }).GET("/v1/stages");
    expect(seen[0]?.authorization).toBeNull();
    expect(() => createPresenceClient({ baseUrl: "https://p.test", fetch, adminKey: "" })).toThrow(
      /adminKey/,
    );
  });
});
