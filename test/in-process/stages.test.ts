import { describe, expect, it } from "vitest";
import { adminHeaders } from "../test-env";
import { createHarness, readProblem } from "./harness";

describe("stages", () => {
  it("creates, reads, lists a page at a time, and updates a stage", async () => {
    const h = createHarness();
    const prefix = `p${Date.now().toString(36)}`;
    const ids = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`];
    for (const id of ids) await h.createStage({ id, stageArn: "arn:aws:ivs:us-east-1:1:stage/x" });

    const read = await h.request(`/v1/stages/${ids[0]}`);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({
      id: ids[0],
      status: "live",
      allowAnonymous: false,
      stageArn: "arn:aws:ivs:us-east-1:1:stage/x",
    });

    // Other tests share the table, so page through everything and look for ours, in order.
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : "?limit=2";
      const page = await h.request(`/v1/stages${query}`, { headers: adminHeaders });
      expect(page.status).toBe(200);
      const body = (await page.json()) as { items: { id: string }[]; nextCursor: string | null };
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items.map((item) => item.id));
      cursor = body.nextCursor;
      pages++;
    } while (cursor !== null && pages < 1000);
    expect(seen.filter((id) => id.startsWith(prefix))).toEqual(ids);
    expect([...seen].sort()).toEqual(seen);

    const updated = await h.patchStage(ids[1]!, { title: "Renamed", allowAnonymous: true });
    expect(updated.status).toBe(200);
    expect(await updated.json()).toMatchObject({
      id: ids[1],
      title: "Renamed",
      allowAnonymous: true,
    });
    expect(await (await h.request(`/v1/stages/${ids[1]}`)).json()).toMatchObject({
      title: "Renamed",
    });
  });

  it("refuses a duplicate id with 409 and keeps the original", async () => {
    const h = createHarness();
    const id = await h.createStage({ title: "Original" });
    const again = await h.postStage({ id, title: "Impostor" });
    expect(again.status).toBe(409);
    expect((await readProblem(again)).type).toBe("/problems/conflict");
    expect(await (await h.request(`/v1/stages/${id}`)).json()).toMatchObject({ title: "Original" });
  });

  it("needs the admin key for every admin operation", async () => {
    const h = createHarness();
    const id = await h.createStage();
    const attempts: [string, string, RequestInit][] = [
      ["create", "/v1/stages", { method: "POST", body: JSON.stringify({ title: "x" }) }],
      ["list", "/v1/stages", {}],
      ["update", `/v1/stages/${id}`, { method: "PATCH", body: JSON.stringify({ title: "x" }) }],
      [
        "token",
        `/v1/stages/${id}/viewer-tokens`,
        { method: "POST", body: JSON.stringify({ viewerId: "v" }) },
      ],
    ];
    for (const [name, path, init] of attempts) {
      for (const authorization of [undefined, "Bearer wrong-key-wrong-key-1234", "Basic abc"]) {
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (authorization) headers.authorization = authorization;
        const response = await h.request(path, { ...init, headers });
        expect(response.status, `${name} with ${authorization}`).toBe(401);
        // A bearer challenge (RFC 6750), so generic clients know what to send.
        expect(response.headers.get("www-authenticate")).toMatch(/^Bearer /);
        expect((await readProblem(response)).type).toBe("/problems/unauthorized");
      }
    }
    expect(await (await h.request(`/v1/stages/${id}`)).json()).toMatchObject({
      title: `Stage ${id}`,
    });
  });

  it("names every invalid field in a 400 and changes nothing", async () => {
    const h = createHarness();
    const response = await h.postStage({
      id: "bad id",
      title: "",
      allowAnonymous: "yes",
      surprise: 1,
    });
    expect(response.status).toBe(400);
    const problem = await readProblem(response);
    const paths = problem.errors?.map((error) => error.path) ?? [];
    expect(paths).toEqual(expect.arrayContaining(["body.id", "body.title", "body.allowAnonymous"]));
    expect(problem.errors?.some((error) => error.message.includes("surprise"))).toBe(true);
    expect((await h.request("/v1/stages/bad%20id")).status).toBe(400);

    const emptyPatch = await h.patchStage(await h.createStage(), {});
    expect(emptyPatch.status).toBe(400);
    for (const query of [
      "?limit=0",
      "?limit=101",
      "?limit=abc",
      "?cursor=%%%",
      "?cursor=bm90IGFuIGlk!",
    ]) {
      const list = await h.request(`/v1/stages${query}`, { headers: adminHeaders });
      expect(list.status, query).toBe(400);
      await readProblem(list);
    }
  });

  it("answers 404 for unknown stages and 410 when issuing tokens for an ended one", async () => {
    const h = createHarness();
    expect((await h.request("/v1/stages/nobody-here")).status).toBe(404);
    const patch = await h.patchStage("nobody-here", { status: "ended" });
    expect(patch.status).toBe(404);
    const token = await h.request("/v1/stages/nobody-here/viewer-tokens", {
      method: "POST",
      headers: adminHeaders,
      body: JSON.stringify({ viewerId: "v" }),
    });
    expect(token.status).toBe(404);

    const id = await h.createStage();
    await h.patchStage(id, { status: "ended" });
    const ended = await h.request(`/v1/stages/${id}/viewer-tokens`, {
      method: "POST",
      headers: adminHeaders,
      body: JSON.stringify({ viewerId: "v" }),
    });
    expect(ended.status).toBe(410);
  });

  it("issues tokens the heartbeat accepts, bound to their stage and viewer", async () => {
    const h = createHarness();
    const id = await h.createStage();
    const issued = await h.request(`/v1/stages/${id}/viewer-tokens`, {
      method: "POST",
      headers: adminHeaders,
      body: JSON.stringify({ viewerId: "user-42", ttlSec: 600 }),
    });
    expect(issued.status).toBe(201);
    const body = (await issued.json()) as { token: string; expiresAt: string; viewerId: string };
    expect(body.viewerId).toBe("user-42");
    expect(Date.parse(body.expiresAt)).toBe(Math.floor(h.clock.nowMs / 1000) * 1000 + 600_000);
    const beat = await h.heartbeat(id, body.token);
    expect(await beat.json()).toMatchObject({ viewerId: "user-42" });
    h.advance(600_001);
    expect((await h.heartbeat(id, body.token)).status).toBe(401);
  });

  it("answers unknown routes and methods with problem+json 404", async () => {
    const h = createHarness();
    const response = await h.request("/v2/nothing");
    expect(response.status).toBe(404);
    expect((await readProblem(response)).type).toBe("/problems/not_found");
  });
});
