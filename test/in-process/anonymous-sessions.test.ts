/**
 * Anonymous viewers (issue 7, defects 7 and 8): they watch with the token of an anonymous
 * session, which is limited per client address, so inflating a count costs an attacker
 * addresses; and their ids can never name a viewer of the operator's.
 */

import { parseConfig } from "@viewer-presence/shared/config";
import { epochAt } from "@viewer-presence/shared/slot-bitmaps";
import { ANONYMOUS_VIEWER_ID_PATTERN } from "@viewer-presence/tokens";
import { describe, expect, it } from "vitest";
import { maxAnonymousViewersPerAddress } from "../../edge/presence/anonymous-sessions";
import { adminHeaders } from "../test-env";
import { createHarness, type Harness, readProblem } from "./harness";

function startSession(h: Harness, stageId: string, options: { ip?: string; token?: string } = {}) {
  return h.request(`/v1/stages/${stageId}/anonymous-sessions`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(options.ip === undefined ? {} : { "cf-connecting-ip": options.ip }),
    },
    ...(options.token === undefined ? {} : { body: JSON.stringify({ token: options.token }) }),
  });
}

async function session(h: Harness, stageId: string, ip = "203.0.113.1") {
  const response = await startSession(h, stageId, { ip });
  expect(response.status).toBe(201);
  return (await response.json()) as { token: string; viewerId: string; expiresAt: string };
}

describe("anonymous sessions", () => {
  it("let anonymous viewers watch only where the stage allows it", async () => {
    const h = createHarness();
    const open = await h.createStage({ allowAnonymous: true });
    const closed = await h.createStage();
    const started = await session(h, open);
    expect(started.viewerId).toMatch(ANONYMOUS_VIEWER_ID_PATTERN);
    expect(Date.parse(started.expiresAt) - h.clock.nowMs).toBe(600_000);
    const beat = await h.heartbeat(open, started.token);
    expect(beat.status).toBe(200);
    expect(await beat.json()).toMatchObject({ viewerId: started.viewerId, viewers: 1 });

    const refused = await startSession(h, closed);
    expect(refused.status).toBe(403);
    expect((await readProblem(refused)).type).toBe("/problems/forbidden");
    expect((await startSession(h, "no-such-stage")).status).toBe(404);
    // A session's token is bound to its stage.
    expect((await h.heartbeat(closed, started.token)).status).toBe(403);
    // Closing the stage to anonymous viewers refuses sessions already started.
    await h.patchStage(open, { allowAnonymous: false });
    h.advance(10_000);
    expect((await h.heartbeat(open, started.token)).status).toBe(403);
  });

  it("no longer take a self-chosen anonymousId, and change nothing for it", async () => {
    const h = createHarness();
    const open = await h.createStage({ allowAnonymous: true });
    const response = await h.request(`/v1/stages/${open}/heartbeats`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ anonymousId: "browser-1234abcd" }),
    });
    expect(response.status).toBe(400);
    expect(await h.redis.exists(h.keys.presence(open))).toBe(0);
  });

  it("keep anonymous and operator viewer ids apart", async () => {
    const h = createHarness();
    const stageId = await h.createStage({ allowAnonymous: true });
    // The operator cannot issue a token in the anonymous namespace...
    const forged = await h.request(`/v1/stages/${stageId}/viewer-tokens`, {
      method: "POST",
      headers: adminHeaders,
      body: JSON.stringify({ viewerId: "~victim0000000000000000" }),
    });
    expect(forged.status).toBe(400);
    // ...and an operator's viewer named like the old anonymous prefix is an ordinary viewer
    // whom no anonymous caller can make leave.
    const victim = await h.token("anon:victim-0001", stageId);
    expect((await h.heartbeat(stageId, victim)).status).toBe(200);
    const attacker = await session(h, stageId);
    expect((await h.leave(stageId, attacker.token)).status).toBe(204);
    const index = h.keys.viewerIndex(stageId, epochAt(h.clock.nowMs));
    expect(await h.redis.hget(index, "anon:victim-0001")).not.toBeNull();
    expect(await h.viewers(stageId)).toBe(1);
  });

  it("renew with the same viewer id, even shortly after expiry, and only anonymous sessions", async () => {
    const h = createHarness();
    const stageId = await h.createStage({ allowAnonymous: true });
    const first = await session(h, stageId);
    h.advance(900_000); // expired 5 minutes ago
    expect((await h.heartbeat(stageId, first.token)).status).toBe(401);
    const renewed = await startSession(h, stageId, { token: first.token });
    expect(renewed.status).toBe(201);
    const body = (await renewed.json()) as { token: string; viewerId: string };
    expect(body.viewerId).toBe(first.viewerId);
    expect((await h.heartbeat(stageId, body.token)).status).toBe(200);

    const operatorToken = await h.token("user-1", stageId);
    expect((await startSession(h, stageId, { token: operatorToken })).status).toBe(403);
    expect((await startSession(h, stageId, { token: "eyJhbGciOiJIUzI1NiJ9.e30.A" })).status).toBe(
      401,
    );
  });

  it("are limited per client address to 10 a minute; other addresses are not affected", async () => {
    const h = createHarness();
    const stageId = await h.createStage({ allowAnonymous: true });
    const attackerIp = "198.51.100.7";
    let started = 0;
    let refused = 0;
    // An attacker asks for 50 sessions a minute for 10 minutes.
    for (let minute = 0; minute < 10; minute++) {
      for (let i = 0; i < 50; i++) {
        const response = await startSession(h, stageId, { ip: attackerIp });
        if (response.status === 201) started++;
        else {
          expect(response.status).toBe(429);
          expect(response.headers.get("retry-after")).toBe("60");
          refused++;
        }
      }
      h.advance(60_000);
    }
    expect(started).toBe(100);
    expect(refused).toBe(400);
    // A viewer at another address is not affected.
    expect((await startSession(h, stageId, { ip: "192.0.2.10" })).status).toBe(201);
  });

  it("let one address keep 130 anonymous viewers counted at most, boundary burst included", async () => {
    const h = createHarness();
    const stated = maxAnonymousViewersPerAddress(parseConfig(h.env).presenceTtlSec);
    const stageId = await h.createStage({ allowAnonymous: true });
    const attackerIp = "198.51.100.8";
    // The worst case: a limiter window of 60 s lets 10 sessions through however late in it they
    // come, a token heartbeats until it expires (10 min after its second), and a viewer stays
    // counted up to the presence TTL (2 min) after its last heartbeat. So the attacker asks for
    // 10 just before the end of one window and 10 at the start of each of the next 12, beats
    // every token it holds each interval, and is counted for all of them at the last burst
    // (edge/presence/anonymous-sessions.ts derives the bound).
    const windowStartMs = h.clock.nowMs;
    // A bystander starts the in-process limiter's window (Cloudflare's binding aligns its own).
    expect((await startSession(h, stageId, { ip: "192.0.2.11" })).status).toBe(201);
    const held: { token: string; expiresAtMs: number }[] = [];
    const burst = async () => {
      for (let i = 0; i < 10; i++) {
        const response = await startSession(h, stageId, { ip: attackerIp });
        expect(response.status).toBe(201);
        const body = (await response.json()) as { token: string; expiresAt: string };
        held.push({ token: body.token, expiresAtMs: Date.parse(body.expiresAt) });
      }
      expect((await startSession(h, stageId, { ip: attackerIp })).status).toBe(429);
    };
    let most = 0;
    const beatAndCount = async () => {
      for (const { token, expiresAtMs } of held) {
        if (expiresAtMs > h.clock.nowMs)
          expect((await h.heartbeat(stageId, token)).status).toBe(200);
      }
      most = Math.max(most, await h.viewers(stageId));
    };
    h.clock.nowMs = windowStartMs + 59_999;
    await burst();
    await beatAndCount();
    for (let step = 1; step <= 24; step++) {
      h.clock.nowMs = windowStartMs + step * 30_000;
      if (step % 2 === 0) await burst();
      await beatAndCount();
    }
    // Every session the limiter let through in the 12 minutes before is counted at the last
    // burst, and that is the figure docs/security.md states (10 a minute would suggest 100).
    expect(held).toHaveLength(130);
    expect(most).toBe(stated);
    expect(stated).toBe(130);
  });
});
