/**
 * Regressions of the defects found by attacking the service (issue 7), each reproduced as it was
 * reported, in-process against the real local stack.
 */

import { epochAt } from "@viewer-presence/shared/slot-bitmaps";
import { slotAt, windowIndex, windowStartMs } from "@viewer-presence/shared/windows";
import { describe, expect, it } from "vitest";
import { adminHeaders } from "../test-env";
import {
  createHarness,
  type Harness,
  heartbeatAnswer,
  loseRedisData,
  readProblem,
} from "./harness";

const base64Url = (text: string) => Buffer.from(text).toString("base64url");

describe("hardening", () => {
  it("answers 401, not 500, to a token whose part has a base64url length of 1 mod 4", async () => {
    const h = createHarness();
    const stageId = await h.createStage();
    const token = "eyJhbGciOiJIUzI1NiJ9.e30.A";
    const responses = [
      await h.heartbeat(stageId, token),
      await h.leave(stageId, token),
      await h.request(`/v1/stages/${stageId}/heartbeats`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ token }),
      }),
    ];
    for (const response of responses) {
      expect(response.status).toBe(401);
      expect((await readProblem(response)).type).toBe("/problems/unauthorized");
    }
  });

  it("takes a JSON heartbeat or leave with no body at all (what generated clients send)", async () => {
    const h = createHarness();
    const stageId = await h.createStage();
    const token = await h.token("generated", stageId);
    for (const action of ["heartbeats", "leave"]) {
      const response = await h.request(`/v1/stages/${stageId}/${action}`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      });
      expect(response.status, action).toBeLessThan(300);
    }
  });

  it("answers 400, not 503, to a well-formed cursor outside the range", async () => {
    const h = createHarness();
    const stageId = await h.createStage();
    const range = "from=2026-11-26T00:00:00.000Z&to=2026-11-27T00:00:00.000Z";
    for (const [route, sortKey] of [
      ["snapshots", "SNAPSHOT#2020-01-01T00:00:00.000Z"],
      ["snapshots", "SNAPSHOT#2030-01-01T00:00:00.000Z"],
      ["viewing-records", "2020-01-01T00:00:00.000Z#000"],
    ]) {
      const response = await h.request(
        `/v1/stages/${stageId}/${route}?${range}&cursor=${base64Url(sortKey!)}`,
        { headers: adminHeaders },
      );
      expect(response.status, `${route} ${sortKey}`).toBe(400);
      expect(response.headers.get("retry-after")).toBeNull();
      expect((await readProblem(response)).errors?.[0]?.path).toBe("query.cursor");
    }
    // A cursor inside the range is still accepted.
    const inside = await h.request(
      `/v1/stages/${stageId}/snapshots?${range}&cursor=${base64Url("SNAPSHOT#2026-11-26T12:00:00.000Z")}`,
      { headers: adminHeaders },
    );
    expect(inside.status).toBe(200);
  });

  it("refuses control characters and lone surrogates in text, and changes nothing", async () => {
    const h = createHarness();
    const stageId = await h.createStage();
    for (const title of ["bad \ud800 surrogate", "nul \u0000", "esc \u001b[31m", "del \u007f"]) {
      const created = await h.postStage({ title });
      expect(created.status, JSON.stringify(title)).toBe(400);
      expect((await readProblem(created)).errors?.[0]?.path).toBe("body.title");
      const patched = await h.patchStage(stageId, { title });
      expect(patched.status).toBe(400);
    }
    const arn = await h.postStage({ title: "ok", stageArn: "arn:\u0000" });
    expect(arn.status).toBe(400);
    const stage = await (await h.request(`/v1/stages/${stageId}`)).json();
    expect(stage).toMatchObject({ title: `Stage ${stageId}` });
    // Emoji (surrogate pairs) and accents are text like any other.
    expect((await h.patchStage(stageId, { title: "Première 🎉" })).status).toBe(200);
  });

  it("takes heartbeats for a stage whose stored title Redis' JSON decoder would refuse", async () => {
    const h = createHarness();
    const stageId = await h.createStage();
    const token = await h.token("viewer", stageId);
    expect((await heartbeatAnswer(h, stageId, token)).status).toBe(200);
    // As an older version stored it: JSON.stringify escapes a lone surrogate as \ud800.
    const stored = await h.redis.get<Record<string, unknown>>(h.keys.stage(stageId));
    const json = JSON.stringify({ ...stored, title: "bad \ud800 title" });
    expect(json).toContain("\\ud800");
    await h.redis.set(h.keys.stage(stageId), json);
    const fresh = createHarness({ bindings: { REDIS_KEY_PREFIX: h.env.REDIS_KEY_PREFIX! } });
    fresh.clock.nowMs = h.clock.nowMs;
    expect((await heartbeatAnswer(fresh, stageId, token)).status).toBe(200); // the checking script
    fresh.advance(20_000);
    expect((await heartbeatAnswer(fresh, stageId, token)).status).toBe(200); // the pipeline
  });

  it("accepts a stage reopened elsewhere within the registry check period (10 s)", async () => {
    const h = createHarness();
    const other = createHarness({ bindings: { REDIS_KEY_PREFIX: h.env.REDIS_KEY_PREFIX! } });
    const stageId = await h.createStage();
    const token = await h.token("viewer", stageId);
    expect((await heartbeatAnswer(h, stageId, token)).status).toBe(200);
    expect((await other.patchStage(stageId, { status: "ended" })).status).toBe(200);
    h.advance(10_000);
    await heartbeatAnswer(h, stageId, token);
    expect((await heartbeatAnswer(h, stageId, token)).status).toBe(410); // this isolate knows it ended
    expect((await other.patchStage(stageId, { status: "live" })).status).toBe(200);
    expect((await heartbeatAnswer(h, stageId, token)).status).toBe(410); // trusted for up to 10 s...
    h.advance(10_000);
    expect((await heartbeatAnswer(h, stageId, token)).status).toBe(200); // ...then re-read, and accepted
  });

  it("sends no CORS headers on admin operations unless CORS_ORIGINS names the origin", async () => {
    const preflight = (h: Harness, path: string, method: string, origin: string) =>
      h.request(path, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": method,
          "access-control-request-headers": "authorization, content-type",
        },
      });
    const open = createHarness(); // CORS_ORIGINS unset: any origin for viewer routes
    const stageId = await open.createStage();
    const anyOrigin = "https://anywhere.example";
    const viewerRoute = await preflight(
      open,
      `/v1/stages/${stageId}/heartbeats`,
      "POST",
      anyOrigin,
    );
    expect(viewerRoute.headers.get("access-control-allow-origin")).toBe("*");
    for (const [path, method] of [
      ["/v1/stages", "POST"],
      ["/v1/stages", "GET"],
      [`/v1/stages/${stageId}`, "PATCH"],
      [`/v1/stages/${stageId}/viewer-tokens`, "POST"],
      [`/v1/stages/${stageId}/snapshots`, "GET"],
    ] as const) {
      const response = await preflight(open, path, method, anyOrigin);
      expect(response.headers.get("access-control-allow-origin"), `${method} ${path}`).toBeNull();
      const actual = await open.request(path, {
        method,
        headers: { origin: anyOrigin, ...adminHeaders },
        ...(method === "GET" ? {} : { body: "{}" }),
      });
      expect(actual.headers.get("access-control-allow-origin"), `${method} ${path}`).toBeNull();
    }
    // The public read of the same path keeps its CORS headers.
    const getStage = await preflight(open, `/v1/stages/${stageId}`, "GET", anyOrigin);
    expect(getStage.headers.get("access-control-allow-origin")).toBe("*");

    const console = "https://console.example";
    const named = createHarness({ bindings: { CORS_ORIGINS: `*,${console}` } });
    const admin = await preflight(named, "/v1/stages", "POST", console);
    expect(admin.headers.get("access-control-allow-origin")).toBe(console);
    const stranger = await preflight(named, "/v1/stages", "POST", anyOrigin);
    expect(stranger.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("keeps the platform's totals to the admin key when PUBLIC_VIEWER_TOTALS=false", async () => {
    const open = createHarness();
    expect((await open.request("/v1/viewers")).status).toBe(200);
    const closed = createHarness({ bindings: { PUBLIC_VIEWER_TOTALS: "false" } });
    const refused = await closed.request("/v1/viewers");
    expect(refused.status).toBe(401);
    await readProblem(refused);
    expect((await closed.request("/v1/viewers", { headers: adminHeaders })).status).toBe(200);
  });

  it("lets the analytics key read history and totals, and change nothing", async () => {
    const analyticsKey = "test-analytics-key-0123456789";
    const h = createHarness({
      bindings: { ANALYTICS_API_KEY: analyticsKey, PUBLIC_VIEWER_TOTALS: "false" },
    });
    const stageId = await h.createStage();
    const reader = { authorization: `Bearer ${analyticsKey}`, "content-type": "application/json" };
    for (const path of [
      `/v1/stages/${stageId}/snapshots`,
      `/v1/stages/${stageId}/viewing-records`,
      "/v1/viewers",
    ]) {
      expect((await h.request(path, { headers: reader })).status, path).toBe(200);
      expect((await h.request(path, { headers: adminHeaders })).status, path).toBe(200);
      const wrong = await h.request(path, {
        headers: { authorization: "Bearer not-the-key-0123456789" },
      });
      expect(wrong.status, path).toBe(401);
      await readProblem(wrong);
    }
    const writes: [string, string, object][] = [
      ["POST", "/v1/stages", { title: "Not allowed" }],
      ["PATCH", `/v1/stages/${stageId}`, { status: "ended" }],
      ["POST", `/v1/stages/${stageId}/viewer-tokens`, { viewerId: "someone" }],
    ];
    for (const [method, path, body] of writes) {
      const refused = await h.request(path, {
        method,
        headers: reader,
        body: JSON.stringify(body),
      });
      expect(refused.status, `${method} ${path}`).toBe(401);
      await readProblem(refused);
    }
    const stage = await h.request(`/v1/stages/${stageId}`);
    expect(await stage.json()).toMatchObject({ status: "live" }); // nothing changed
  });

  describe("after Redis lost its data", () => {
    async function watchedStage(viewers: number) {
      const h = createHarness();
      const stageId = await h.createStage();
      const tokens = await Promise.all(
        Array.from({ length: viewers }, (_, i) => h.token(`v${i}`, stageId)),
      );
      const window = windowIndex(h.clock.nowMs);
      while (h.clock.nowMs < windowStartMs(window + 1) + 60_000) {
        for (const token of tokens)
          expect((await heartbeatAnswer(h, stageId, token)).status).toBe(200);
        h.advance(30_000);
      }
      const report = await h.sync(); // a snapshot: `viewers` live
      expect(report.snapshots).toBe(1);
      return { h, stageId, tokens };
    }

    it("notices the loss at the edge and answers the last snapshot's count as an estimate at once", async () => {
      const { h, stageId, tokens } = await watchedStage(12);
      await loseRedisData(h);
      h.advance(10_000); // the registry check is due: the next request notices the loss
      const first = await heartbeatAnswer(h, stageId, tokens[0]!);
      expect(first).toMatchObject({ status: 200, body: { viewers: 12, estimated: true } });
      const read = await (await h.request(`/v1/stages/${stageId}/viewers`)).json();
      expect(read).toMatchObject({ viewers: 12, estimated: true });
      // Another isolate, with no memory of the stage, answers the same without DynamoDB.
      const other = createHarness({ bindings: { REDIS_KEY_PREFIX: h.env.REDIS_KEY_PREFIX! } });
      other.clock.nowMs = h.clock.nowMs;
      expect(await heartbeatAnswer(other, stageId, tokens[1]!)).toMatchObject({
        body: { viewers: 12, estimated: true },
      });
      // Once every viewer has beaten again, the live count is the answer.
      for (const token of tokens) await heartbeatAnswer(h, stageId, token);
      h.advance(10_000);
      expect(await heartbeatAnswer(h, stageId, tokens[0]!)).toMatchObject({
        body: { viewers: 12, estimated: false },
      });
    });

    it("gives no estimate from a snapshot older than one sync period and a minute", async () => {
      const { h, stageId, tokens } = await watchedStage(5);
      h.advance(7 * 60_000); // the audience left; no heartbeat, no newer snapshot
      await loseRedisData(h);
      const returning = await heartbeatAnswer(h, stageId, tokens[0]!);
      expect(returning).toMatchObject({ status: 200, body: { viewers: 1, estimated: false } });
      const report = await h.sync();
      expect(report.restored).toBeDefined();
      // (The table is shared with other tests, whose stages may get estimates: look at ours.)
      expect(await h.redis.exists(h.keys.estimate(stageId))).toBe(0);
      h.advance(2_001);
      const read = await (await h.request(`/v1/stages/${stageId}/viewers`)).json();
      expect(read).toMatchObject({ viewers: 1, estimated: false });
    });

    it("does not trust a ticket from before the loss: the viewer gets a new one", async () => {
      const h = createHarness();
      const stageId = await h.createStage();
      const token = await h.token("ticketed", stageId);
      const first = await h.heartbeat(stageId, token);
      const { ticket } = (await first.json()) as { ticket: string };
      await loseRedisData(h);
      h.advance(10_000); // the registry check is due: this heartbeat notices the loss
      const after = await h.heartbeat(stageId, token, `?ticket=${ticket}`);
      expect(after.status).toBe(200);
      const renewed = ((await after.json()) as { ticket: string }).ticket;
      expect(renewed).not.toBe(ticket);
      // A new generation: the old ticket is ignored from now on, the new one is kept.
      expect(renewed.split(".")[2]).not.toBe(ticket.split(".")[2]);
      const stale = await h.heartbeat(stageId, token, `?ticket=${ticket}`);
      expect(((await stale.json()) as { ticket: string }).ticket).toBe(renewed);
      const kept = await h.heartbeat(stageId, token, `?ticket=${renewed}`);
      expect(((await kept.json()) as { ticket: string }).ticket).toBe(renewed);
    });

    it("gives the keys it writes again an expiry", async () => {
      const { h, stageId, tokens } = await watchedStage(3);
      await loseRedisData(h);
      h.advance(10_000);
      for (let round = 0; round < 2; round++) {
        for (const token of tokens)
          expect((await heartbeatAnswer(h, stageId, token)).status).toBe(200);
        h.advance(1_000);
      }
      const window = windowIndex(h.clock.nowMs);
      const epoch = epochAt(h.clock.nowMs);
      const slot = slotAt(h.clock.nowMs, 30);
      expect(await h.redis.ttl(h.keys.slotBitmap(stageId, window, slot))).toBeGreaterThan(0);
      expect(await h.redis.ttl(h.keys.viewerIndex(stageId, epoch))).toBeGreaterThan(0);
      expect(await h.redis.ttl(h.keys.viewerList(stageId, epoch))).toBeGreaterThan(0);
    });
  });

  it("counts a paused or buffering viewer as present, and credits only playing time", async () => {
    const h = createHarness();
    const stageId = await h.createStage();
    const token = await h.token("player", stageId);
    const beat = (state?: string) =>
      h.request(`/v1/stages/${stageId}/heartbeats${state ? `?state=${state}` : ""}`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
      });
    const window = windowIndex(h.clock.nowMs);
    // Slots 0-3 playing (one of them with no state: an older client), 4-6 paused, 7-9 buffering.
    for (const state of [
      "playing",
      undefined,
      "playing",
      "playing",
      "paused",
      "paused",
      "paused",
      "buffering",
      "buffering",
      "buffering",
    ]) {
      const response = await beat(state);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { viewers: number }).viewers).toBe(1);
      h.advance(30_000);
    }
    expect((await beat("dancing")).status).toBe(400);
    h.clock.nowMs = windowStartMs(window + 1) + 60_000;
    await h.sync();
    const records = await (
      await h.request(
        `/v1/stages/${stageId}/viewing-records?from=${new Date(windowStartMs(window)).toISOString()}`,
        { headers: adminHeaders },
      )
    ).json();
    expect(records).toMatchObject({ items: [{ viewerId: "player", seconds: 120 }] });
  });
});
