import { describe, expect, it } from "vitest";
import { settle } from "./testing/fake-clock";
import { STAGE_ID } from "./testing/harness";
import { type PresenceHarness, presenceHarnessPerTest } from "./testing/presence-harness";
import { until } from "./testing/socket-server";

let h: PresenceHarness;
presenceHarnessPerTest((harness) => {
  h = harness;
});

/** A JWT with this `exp` (s): the client reads it without verifying, so the signature is junk. */
function jwt(expSeconds: number, id = "a"): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "HS256", typ: "JWT" })}.${part({ sub: "user-1", exp: expSeconds, id })}.c2ln`;
}

/** A media element stand-in with the events an `HTMLMediaElement` fires. */
class FakeMedia extends EventTarget {
  paused = false;
  readyState = 4;
  set(paused: boolean, readyState: number, event: string): void {
    this.paused = paused;
    this.readyState = readyState;
    this.dispatchEvent(new Event(event));
  }
}

describe("startPresence: on the socket", () => {
  it("opens the socket with the token and pushes each count to onUpdate", async () => {
    const presence = h.start();
    await until(() => h.updates.length === 1, "the first count");
    const url = h.sockets.upgrades[0]!;
    expect(url.pathname).toBe(`/v1/stages/${STAGE_ID}/presence`);
    expect(Object.fromEntries(url.searchParams)).toEqual({ token: "tok-1" });
    expect(presence.state.status).toBe("open");

    h.sockets.last.sendCount(4, 30_000, true);
    await until(() => h.updates.length === 2, "the pushed count");
    expect(h.updates).toEqual([
      { stageId: STAGE_ID, viewers: 3, estimated: false, transport: "websocket" },
      { stageId: STAGE_ID, viewers: 4, estimated: true, transport: "websocket" },
    ]);
    expect(h.server.heartbeats).toHaveLength(0);
  });

  it("pings every 30 s until a count names the interval, then at that interval", async () => {
    h.sockets.onConnect = () => undefined; // no count yet
    const presence = h.start();
    await until(() => presence.state.status === "open", "the socket open");
    expect(h.clock.pendingDelays()).toEqual([30_000]);
    await h.clock.advance(29_999);
    expect(h.sockets.last.pings()).toBe(0);
    await h.clock.advance(1);
    await until(() => h.sockets.last.pings() === 1, "the first ping");
    expect(h.sockets.last.received).toEqual(['{"type":"ping"}']);

    h.sockets.last.sendCount(7, 20_000);
    await until(() => h.updates.length === 1, "the count");
    expect(h.clock.pendingDelays()).toEqual([20_000]);
    for (let n = 2; n <= 4; n++) {
      await h.clock.advance(20_000);
      await until(() => h.sockets.last.pings() === n, `ping ${n}`);
    }
    expect(h.sockets.last.messages()).toEqual([]); // nothing but pings
  });

  it("sends the player's state when it changes: paused, playing, buffering", async () => {
    const media = new FakeMedia();
    h.start(undefined, { media });
    await until(() => h.updates.length === 1, "the first count");
    expect(h.sockets.upgrades[0]!.searchParams.get("state")).toBe("playing");

    media.set(true, 4, "pause");
    media.set(false, 4, "play");
    media.set(false, 2, "waiting");
    media.set(false, 2, "waiting"); // no change: nothing sent
    await until(() => h.sockets.last.messages().length === 3, "three state messages");
    expect(h.sockets.last.messages()).toEqual([
      { type: "state", state: "paused" },
      { type: "state", state: "playing" },
      { type: "state", state: "buffering" },
    ]);
  });

  it("renews the token a minute before its exp and sends it on the socket", async () => {
    const exp = Math.floor(h.clock.nowMs / 1000) + 600;
    const tokens = [jwt(exp, "first"), jwt(exp + 600, "second")];
    const asked: boolean[] = [];
    h.start({
      token: ({ refresh }) => {
        asked.push(refresh);
        // A token function that caches: the same token until it is near its end.
        return h.clock.nowMs < (exp - 60) * 1000 ? tokens[0]! : tokens[1]!;
      },
    });
    await until(() => h.updates.length === 1, "the first count");
    expect(h.sockets.upgrades[0]!.searchParams.get("token")).toBe(tokens[0]);
    expect(h.clock.pendingDelays()).toContain(540_000);

    await h.clock.advance(540_000);
    await until(() => h.sockets.last.messages().length === 1, "the token message");
    expect(h.sockets.last.messages()).toEqual([{ type: "token", token: tokens[1] }]);
    expect(asked).toEqual([false, false]);
    expect(h.sockets.sockets).toHaveLength(1); // renewed on the same socket
  });

  it("on 4401, asks a fresh token with refresh: true and reconnects with it", async () => {
    const asked: boolean[] = [];
    h.start({
      token: ({ refresh }) => {
        asked.push(refresh);
        return `tok-${asked.length}`;
      },
    });
    await until(() => h.updates.length === 1, "the first count");
    h.sockets.last.refuse(401, "unauthorized");
    await until(() => h.sockets.sockets.length === 2, "the second socket");
    expect(asked).toEqual([false, true]);
    expect(h.sockets.upgrades[1]!.searchParams.get("token")).toBe("tok-2");
    expect(h.problems).toMatchObject([{ status: 401, fatal: false, retryInMs: 0 }]);
    await until(() => h.updates.length === 2, "the count on the new socket");
  });

  it("as an anonymous viewer, renews the session on 4401 and keeps its id", async () => {
    h.start({ anonymous: true });
    await until(() => h.updates.length === 1, "the first count");
    expect(h.sockets.upgrades[0]!.searchParams.get("token")).toBe("anon-tok-1");
    h.sockets.last.refuse(401, "unauthorized");
    await until(() => h.sockets.sockets.length === 2, "the second socket");
    expect(h.server.sessions.map((s) => s.body)).toEqual(["{}", '{"token":"anon-tok-1"}']);
    expect(h.sockets.upgrades[1]!.searchParams.get("token")).toBe("anon-tok-2");
  });

  it("stops for good on a second 4401 in a row, and on a fixed token's first", async () => {
    const presence = h.start({ token: () => "tok-stale" });
    await until(() => h.updates.length === 1, "the first count");
    h.sockets.onConnect = (socket) => socket.refuse(401, "unauthorized");
    h.sockets.last.refuse(401, "unauthorized");
    await until(() => presence.state.status === "stopped", "the stop");
    expect(h.problems.map((p) => p.fatal)).toEqual([false, true]);
    expect(h.sockets.sockets).toHaveLength(2);

    const fixed = h.start({ token: "tok-fixed" }); // the refusing server answers it at once
    await until(() => fixed.state.status === "stopped", "the fixed token's stop");
    expect(h.problems.map((p) => p.fatal)).toEqual([false, true, true]);
    expect(h.sockets.sockets).toHaveLength(3);
  });

  it("on 4410 (stage ended), stops and reports the server's problem as fatal", async () => {
    const presence = h.start();
    await until(() => h.updates.length === 1, "the first count");
    h.sockets.last.refuse(410, "stage_ended");
    await until(() => presence.state.status === "stopped", "the stop");
    expect(h.problems).toMatchObject([{ type: "/problems/stage_ended", status: 410, fatal: true }]);
    await h.clock.advance(3_600_000);
    expect(h.sockets.upgrades).toHaveLength(1);
    expect(h.server.heartbeats).toHaveLength(0);
    expect(h.clock.pendingDelays()).toEqual([]);
  });

  it("stop() sends leave, closes with 1000 and resolves when closed", async () => {
    const presence = h.start();
    await until(() => h.updates.length === 1, "the first count");
    await presence.stop();
    await until(() => h.sockets.last.closed !== undefined, "the close");
    expect(h.sockets.last.messages()).toEqual([{ type: "leave" }]);
    expect(h.sockets.last.closed?.code).toBe(1000);
    expect(presence.state.status).toBe("stopped");
    expect(h.clock.pendingDelays()).toEqual([]);
    expect(h.navigator.beacons).toEqual([]); // the socket's leave, not an HTTP one
  });

  it("pagehide sends leave and closes; pageshow from the back/forward cache reconnects", async () => {
    const presence = h.start();
    await until(() => h.updates.length === 1, "the first count");
    h.window.fire("pagehide");
    await until(() => h.sockets.last.closed !== undefined, "the close");
    expect(h.sockets.last.messages()).toEqual([{ type: "leave" }]);
    expect(presence.state.status).toBe("left");

    h.window.fire("pageshow");
    await until(() => h.updates.length === 2, "the count on the new socket");
    expect(h.sockets.sockets).toHaveLength(2);
    expect(presence.state.status).toBe("open");
  });

  it("holds pings while hidden with pauseWhenHidden, and sends the held one when the page shows", async () => {
    h.start(undefined, { pauseWhenHidden: true });
    await until(() => h.updates.length === 1, "the first count");
    h.document.setVisibility("hidden");
    await h.clock.advance(30_000);
    await settle();
    expect(h.sockets.last.pings()).toBe(0);
    h.document.setVisibility("visible");
    await until(() => h.sockets.last.pings() === 1, "the held ping");
  });
});
