import { coveredSeconds, windowIndex } from "@viewer-presence/shared/windows";
import { signViewerToken } from "@viewer-presence/tokens";
import { describe, expect, it } from "vitest";
import { TEST_TOKEN_SECRET, uniqueId } from "../test-env";
import { createHarness, readProblem } from "./harness";

describe("sendHeartbeat", () => {
  it("counts 50 viewers once each (some with two tabs), 40 after 10 leave, 0 after the TTL", async () => {
    const h = createHarness();
    const stageId = await h.createStage();
    const tokens = await Promise.all(
      Array.from({ length: 50 }, (_, i) => h.token(`viewer-${i}`, stageId)),
    );
    for (const [i, token] of tokens.entries()) {
      expect((await h.heartbeat(stageId, token)).status).toBe(200);
      if (i % 5 === 0) expect((await h.heartbeat(stageId, token)).status).toBe(200); // a second tab
    }
    expect(await h.viewers(stageId)).toBe(50);

    for (const token of tokens.slice(0, 10))
      expect((await h.leave(stageId, token)).status).toBe(204);
    h.advance(2_001); // past the isolate's count-read cache
    expect(await h.viewers(stageId)).toBe(40);

    h.advance(120_000);
    expect(await h.viewers(stageId)).toBe(0);
  });

  it("answers the live count and a jittered nextHeartbeatInMs no longer than the interval", async () => {
    const h = createHarness();
    const stageId = await h.createStage();
    const response = await h.heartbeat(stageId, await h.token("alice", stageId));
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ stageId, viewerId: "alice", viewers: 1 });
    expect(body.nextHeartbeatInMs).toBeGreaterThanOrEqual(27_000);
    expect(body.nextHeartbeatInMs).toBeLessThanOrEqual(30_000);
  });

  it("credits two tabs once and never more than wall-clock time", async () => {
    // A key prefix ending in "b:", as a random one sometimes does: keys must still parse.
    const h = createHarness({ bindings: { REDIS_KEY_PREFIX: `${uniqueId()}b:` } });
    const stageId = await h.createStage();
    const token = await h.token("bob", stageId);
    const window = windowIndex(h.clock.nowMs);
    // Two tabs, each beating every 15 s out of phase, for the rest of the window (290 s).
    const windowEndMs = (window + 1) * 300_000;
    while (h.clock.nowMs < windowEndMs) {
      expect((await h.heartbeat(stageId, token)).status).toBe(200);
      h.advance(7_500);
    }
    const slots = await h.watchedSlots(stageId, window, "bob");
    // 40 heartbeats from two tabs earn the window's 10 slots of 30 s once each: 300 s, the
    // window's length. (The clock started 10 s into the window: credit is per slot, so the
    // first slot counts whole; the error is at most one interval per viewing session.)
    expect(coveredSeconds(slots)).toBe(300);
    expect(slots).toHaveLength(10);
  });

  it("answers a ticket, and ignores (never refuses) an altered, another viewer's or last hour's", async () => {
    const h = createHarness();
    const stageId = await h.createStage();
    const [alice, bob] = [
      await h.token("alice", stageId, 7200),
      await h.token("bob", stageId, 7200),
    ];
    const beat = async (token: string, ticket?: string) => {
      const response = await h.heartbeat(stageId, token, ticket ? `?ticket=${ticket}` : "");
      expect(response.status).toBe(200);
      return (await response.json()) as { ticket: string; viewers: number };
    };
    const { ticket } = await beat(alice);
    expect(ticket).toMatch(/^\d+\.0\.\w+\.[\w-]{22}$/); // alice is the stage's first viewer: 0
    expect((await beat(alice, ticket)).ticket).toBe(ticket);
    // Altered: ignored, alice is looked up and gets her own ticket back.
    const altered = ticket.replace(/.$/, (c) => (c === "A" ? "B" : "A"));
    expect((await beat(alice, altered)).ticket).toBe(ticket);
    const otherIndex = ticket.replace(/^(\d+)\.0\./, "$1.1.");
    expect((await beat(alice, otherIndex)).ticket).toBe(ticket);
    // Another viewer's ticket names alice's bit: bob gets his own, and both count.
    const bobs = await beat(bob, ticket);
    expect(bobs.ticket).not.toBe(ticket);
    expect(bobs.ticket).toMatch(/^\d+\.1\./);
    expect(await h.viewers(stageId)).toBe(2);
    // A malformed ticket is a 400, and changes nothing.
    const malformed = await h.heartbeat(stageId, alice, "?ticket=not-a-ticket");
    expect(malformed.status).toBe(400);
    expect((await readProblem(malformed)).errors?.[0]?.path).toBe("query.ticket");
    // An hour later the index is a new one: last hour's ticket is looked up again.
    h.advance(3_600_000);
    const next = await beat(alice, ticket);
    expect(next.ticket.split(".")[0]).toBe(String(Number(ticket.split(".")[0]) + 1));
  });

  it("keeps counting everyone across the hour, when viewer indexes start anew", async () => {
    const h = createHarness();
    h.clock.nowMs = Date.UTC(2026, 10, 27, 12, 57, 10);
    const stageId = await h.createStage();
    const tokens = await Promise.all(
      ["a", "b", "c", "d", "e"].map((v) => h.token(v, stageId, 7200)),
    );
    const tickets: (string | undefined)[] = [];
    while (h.clock.nowMs < Date.UTC(2026, 10, 27, 13, 4, 0)) {
      for (const [i, token] of tokens.entries()) {
        const query = tickets[i] === undefined ? "" : `?ticket=${tickets[i]}`;
        const response = await h.heartbeat(stageId, token, query);
        expect(response.status).toBe(200);
        tickets[i] = ((await response.json()) as { ticket: string }).ticket;
      }
      expect(await h.viewers(stageId), new Date(h.clock.nowMs).toISOString()).toBe(5);
      h.advance(30_000);
    }
    // The tickets are the new hour's.
    expect(new Set(tickets.map((ticket) => ticket!.split(".")[0])).size).toBe(1);
  });

  it("refuses unknown stages with 404 and ended stages with 410, writing nothing", async () => {
    const h = createHarness();
    const stageId = await h.createStage();
    const unknown = await h.heartbeat("no-such-stage", await h.token("carol", "no-such-stage"));
    expect(unknown.status).toBe(404);
    expect((await readProblem(unknown)).detail).toContain("no-such-stage");

    const ended = await h.patchStage(stageId, { status: "ended" });
    expect(ended.status).toBe(200);
    const refused = await h.heartbeat(stageId, await h.token("carol", stageId));
    expect(refused.status).toBe(410);
    expect((await readProblem(refused)).type).toBe("/problems/stage_ended");
    expect(await h.redis.exists(h.keys.presence(stageId), h.keys.presence("no-such-stage"))).toBe(
      0,
    );
  });

  it("rejects missing, malformed, tampered, expired and wrong-stage tokens", async () => {
    const h = createHarness();
    const stageId = await h.createStage();
    const other = await h.createStage();
    const good = await h.token("dave", stageId);
    const [header, payload, signature] = good.split(".") as [string, string, string];
    const forged = JSON.parse(Buffer.from(payload, "base64url").toString());
    forged.sub = "mallory";
    const tampered = `${header}.${Buffer.from(JSON.stringify(forged)).toString("base64url")}.${signature}`;
    const expired = (
      await signViewerToken({
        secret: TEST_TOKEN_SECRET,
        viewerId: "dave",
        stageId,
        ttlSec: 60,
        nowMs: h.clock.nowMs - 61_000,
      })
    ).token;
    const otherSecret = (
      await signViewerToken({
        secret: "another-secret-another-secret-12345",
        viewerId: "dave",
        stageId,
      })
    ).token;

    const cases: [string, RequestInit, number][] = [
      ["missing", { method: "POST" }, 401],
      ["not bearer", { method: "POST", headers: { authorization: "Basic abc" } }, 401],
      ["not a JWT", { method: "POST", headers: { authorization: "Bearer abc.def" } }, 401],
      ["tampered", { method: "POST", headers: { authorization: `Bearer ${tampered}` } }, 401],
      [
        "other secret",
        { method: "POST", headers: { authorization: `Bearer ${otherSecret}` } },
        401,
      ],
      ["expired", { method: "POST", headers: { authorization: `Bearer ${expired}` } }, 401],
      [
        "wrong stage",
        { method: "POST", headers: { authorization: `Bearer ${await h.token("dave", other)}` } },
        403,
      ],
    ];
    for (const [name, init, status] of cases) {
      const response = await h.request(`/v1/stages/${stageId}/heartbeats`, init);
      expect(response.status, name).toBe(status);
      await readProblem(response);
    }
    expect(await h.redis.zcard(h.keys.presence(stageId))).toBe(0);
  });

  it("accepts tokens of a previous secret while rotating, and only then", async () => {
    const previous = "the-previous-secret-the-previous-secret";
    const rotating = createHarness({ bindings: { VIEWER_TOKEN_PREVIOUS_SECRETS: previous } });
    const stageId = await rotating.createStage();
    const { nowMs } = rotating.clock;
    const old = (await signViewerToken({ secret: previous, viewerId: "erin", stageId, nowMs }))
      .token;
    expect((await rotating.heartbeat(stageId, old)).status).toBe(200);
    expect((await rotating.heartbeat(stageId, await rotating.token("frank", stageId))).status).toBe(
      200,
    );
    expect(await rotating.viewers(stageId)).toBe(2);

    const rotated = createHarness();
    const later = await rotated.createStage();
    const stale = (
      await signViewerToken({
        secret: previous,
        viewerId: "erin",
        stageId: later,
        nowMs: rotated.clock.nowMs,
      })
    ).token;
    const refused = await rotated.heartbeat(later, stale);
    expect(refused.status).toBe(401);
    expect((await readProblem(refused)).detail).toMatch(/not accepted/);
  });

  it("answers 400, 413 and 415 for bad bodies and ids, and changes nothing", async () => {
    const h = createHarness();
    const stageId = await h.createStage();
    const token = await h.token("erin", stageId);
    const post = (path: string, body: string, type = "application/json") =>
      h.request(path, { method: "POST", headers: { "content-type": type }, body });

    const badJson = await post(`/v1/stages/${stageId}/heartbeats`, "{", "text/plain");
    expect(badJson.status).toBe(400);
    const unknownField = await post(
      `/v1/stages/${stageId}/heartbeats`,
      JSON.stringify({ token, extra: 1 }),
    );
    expect(unknownField.status).toBe(400);
    expect((await readProblem(unknownField)).errors?.[0]?.path).toBe("body");
    const badId = await h.heartbeat("bad id!", token);
    expect(badId.status).toBe(400);
    expect((await readProblem(badId)).errors?.map((e) => e.path)).toEqual(["param.stageId"]);
    const huge = await post(
      `/v1/stages/${stageId}/heartbeats`,
      JSON.stringify({ token: "x".repeat(5000) }),
    );
    expect(huge.status).toBe(413);
    expect((await readProblem(huge)).type).toBe("/problems/payload_too_large");
    const xml = await post(`/v1/stages/${stageId}/heartbeats`, "<token/>", "application/xml");
    expect(xml.status).toBe(415);
    expect(await h.redis.zcard(h.keys.presence(stageId))).toBe(0);
  });

  it("rate-limits a viewer who beats far faster than the interval, with Retry-After", async () => {
    const h = createHarness();
    const stageId = await h.createStage();
    const token = await h.token("frank", stageId);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await h.heartbeat(stageId, token)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
    const limited = await h.heartbeat(stageId, token);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await readProblem(limited)).type).toBe("/problems/rate_limited");
    h.advance(30_000);
    expect((await h.heartbeat(stageId, token)).status).toBe(200);
  });

  it("accepts leave as a sendBeacon text/plain body and as an Authorization header", async () => {
    const h = createHarness();
    const stageId = await h.createStage();
    const alice = await h.token("alice", stageId);
    const bob = await h.token("bob", stageId);
    await h.heartbeat(stageId, alice);
    await h.heartbeat(stageId, bob);
    expect((await h.leave(stageId, alice)).status).toBe(204);
    const byHeader = await h.request(`/v1/stages/${stageId}/leave`, {
      method: "POST",
      headers: { authorization: `Bearer ${bob}` },
    });
    expect(byHeader.status).toBe(204);
    expect(await h.viewers(stageId)).toBe(0);
    // Leaving twice is harmless.
    expect((await h.leave(stageId, alice)).status).toBe(204);
  });

  it("refuses heartbeats within 10 s of a stage ending in another isolate, at the latest", async () => {
    const h = createHarness();
    const stageId = await h.createStage();
    const other = createHarness({ bindings: { REDIS_KEY_PREFIX: h.env.REDIS_KEY_PREFIX! } });
    const token = await h.token("ida", stageId);
    // As a client beats: its last ticket with each heartbeat (without one, each would count
    // afresh and read the registry with it, and be refused sooner).
    let ticket = "";
    const beat = async () => {
      const response = await h.heartbeat(stageId, token, ticket);
      if (response.status === 200) {
        ticket = `?ticket=${((await response.json()) as { ticket: string }).ticket}`;
      }
      return response.status;
    };
    expect(await beat()).toBe(200);
    expect(await beat()).toBe(200);
    const ended = await other.patchStage(stageId, { status: "ended" });
    expect(ended.status).toBe(200);
    // This isolate still trusts what it read; the heartbeat after 10 s checks the registry in
    // its own request and is the last one accepted; the next one re-reads the stage.
    expect(await beat()).toBe(200);
    h.advance(10_000);
    expect(await beat()).toBe(200);
    expect(await beat()).toBe(410);
  });
});
