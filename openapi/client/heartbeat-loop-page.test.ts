import { describe, expect, it } from "vitest";
import { LEAVE_CONTENT_TYPE } from "./leave";
import { settle } from "./testing/fake-clock";
import { heartbeat, held, problem } from "./testing/fake-server";
import { BASE_URL, type Harness, loopHarnessPerTest, STAGE_ID } from "./testing/harness";

let h: Harness;
const LEAVE_URL = `${BASE_URL}/v1/stages/${STAGE_ID}/leave`;

loopHarnessPerTest((harness) => {
  h = harness;
});

describe("startHeartbeatLoop: hidden pages", () => {
  it("skips heartbeats while hidden and sends the skipped one as soon as the page shows", async () => {
    h.server.reply(heartbeat(30_000), heartbeat(30_000));
    const loop = h.start(undefined, { pauseWhenHidden: true });
    await settle();

    h.document.setVisibility("hidden");
    expect(loop.state.status).toBe("paused");
    await h.clock.advance(90_000);
    expect(h.server.heartbeats).toHaveLength(1);

    h.document.setVisibility("visible");
    await settle();
    expect(h.server.heartbeats).toHaveLength(2);
    expect(loop.state.status).toBe("running");
    expect(h.clock.pendingDelays()).toEqual([30_000]);
  });

  it("sends no extra heartbeat when the page was hidden for less than an interval", async () => {
    h.server.reply(heartbeat(30_000), heartbeat(30_000));
    h.start(undefined, { pauseWhenHidden: true });
    await settle();

    h.document.setVisibility("hidden");
    await h.clock.advance(5_000);
    h.document.setVisibility("visible");
    await settle();
    expect(h.server.heartbeats).toHaveLength(1);

    await h.clock.advance(25_000);
    expect(h.server.heartbeats).toHaveLength(2);
  });

  it("waits for the page to show when it starts hidden", async () => {
    h.server.reply(heartbeat(30_000));
    h.document.visibilityState = "hidden";
    h.start(undefined, { pauseWhenHidden: true });
    await settle();
    expect(h.server.heartbeats).toHaveLength(0);

    h.document.setVisibility("visible");
    await settle();
    expect(h.server.heartbeats).toHaveLength(1);
  });

  it("keeps beating in hidden pages by default", async () => {
    h.server.reply(heartbeat(30_000), heartbeat(30_000));
    h.start();
    await settle();
    h.document.setVisibility("hidden");
    await h.clock.advance(30_000);
    expect(h.server.heartbeats).toHaveLength(2);
    expect(h.document.listeners.size).toBe(0);
  });
});

describe("startHeartbeatLoop: leaving", () => {
  it("sends the leave by sendBeacon on pagehide, as text JSON, and stops beating", async () => {
    h.server.reply(heartbeat(30_000));
    const loop = h.start();
    await settle();

    h.window.fire("pagehide");
    expect(h.navigator.beacons).toEqual([{ url: LEAVE_URL, data: '{"token":"tok-1"}' }]);
    expect(h.clock.pendingDelays()).toEqual([]);
    expect(loop.state.status).toBe("left");

    await h.clock.advance(120_000);
    expect(h.server.heartbeats).toHaveLength(1);
    expect(h.server.leaves).toHaveLength(0);
  });

  it("resumes at once when the page comes back from the back/forward cache", async () => {
    h.server.reply(heartbeat(30_000), heartbeat(30_000));
    h.start();
    await settle();
    h.window.fire("pagehide");
    h.window.fire("pageshow", true);
    await settle();
    expect(h.server.heartbeats).toHaveLength(2);
    expect(h.clock.pendingDelays()).toEqual([30_000]);
  });

  it("restored into a hidden page with a heartbeat on the wire, lets its answer schedule the next", async () => {
    const slow = held(heartbeat(30_000));
    h.server.reply(slow.respond, heartbeat(30_000));
    const loop = h.start(undefined, { pauseWhenHidden: true });
    await settle();
    h.window.fire("pagehide");
    h.document.setVisibility("hidden");
    h.window.fire("pageshow", true);
    slow.release();
    await settle();
    expect(loop.state.status).toBe("paused");
    expect(h.clock.pendingDelays()).toEqual([30_000]);

    h.document.setVisibility("visible"); // not a heartbeat of its own: the timer's comes in time
    await settle();
    expect(h.server.heartbeats).toHaveLength(1);
    await h.clock.advance(30_000);
    expect(h.server.heartbeats).toHaveLength(2);
  });

  it.each([
    ["sendBeacon is missing", null],
    ["sendBeacon refuses", false],
  ] as const)("falls back to a keepalive fetch when %s", async (_case, accept) => {
    h.server.reply(heartbeat(30_000));
    if (accept === null) Object.assign(h.navigator, { sendBeacon: undefined });
    else h.navigator.accept = accept;
    h.start({ anonymous: true });
    await settle();

    h.window.fire("pagehide");
    await settle();
    expect(h.server.leaves).toHaveLength(1);
    const { request, body } = h.server.leaves[0]!;
    expect(request.method).toBe("POST");
    expect(request.url).toBe(LEAVE_URL);
    expect(request.keepalive).toBe(true);
    expect(request.headers.get("Content-Type")).toBe(LEAVE_CONTENT_TYPE);
    expect(request.headers.get("Authorization")).toBeNull();
    expect(body).toBe('{"token":"anon-tok-1"}');
  });

  it("stop() waits for the heartbeat in flight, then sends the leave once", async () => {
    const slow = held(heartbeat(30_000));
    h.server.reply(slow.respond);
    const loop = h.start();
    await settle();

    let stopped = false;
    const stopping = loop.stop().then(() => {
      stopped = true;
    });
    await settle();
    expect(stopped).toBe(false);
    expect(h.navigator.beacons).toEqual([]);

    slow.release();
    await stopping;
    expect(h.navigator.beacons).toEqual([{ url: LEAVE_URL, data: '{"token":"tok-1"}' }]);
    expect(h.clock.pendingDelays()).toEqual([]);
    expect(h.window.listenerCount()).toBe(0);
    expect(loop.state.status).toBe("stopped");

    await loop.stop();
    loop.leave();
    h.window.fire("pagehide");
    expect(h.navigator.beacons).toHaveLength(1);
  });

  it("stop({ leave: false }) hands the viewer over: no leave, even with a heartbeat in flight", async () => {
    const slow = held(heartbeat(30_000));
    h.server.reply(heartbeat(30_000), slow.respond);
    const loop = h.start();
    await h.clock.advance(30_000);
    const stopping = loop.stop({ leave: false });
    slow.release();
    await stopping;
    h.window.fire("pagehide");
    expect(h.navigator.beacons).toEqual([]);
    expect(h.server.leaves).toEqual([]);
    expect(h.clock.pendingDelays()).toEqual([]);
    expect(loop.state.status).toBe("stopped");
  });

  it("stop() cancels the scheduled heartbeat and removes every listener", async () => {
    h.server.reply(heartbeat(30_000));
    const loop = h.start(undefined, { pauseWhenHidden: true });
    await settle();
    expect(h.window.listenerCount()).toBe(2);
    expect(h.document.listeners.size).toBe(1);

    await loop.stop();
    expect(h.clock.pendingDelays()).toEqual([]);
    expect(h.window.listenerCount()).toBe(0);
    expect(h.document.listeners.size).toBe(0);
    await h.clock.advance(120_000);
    expect(h.server.heartbeats).toHaveLength(1);
  });

  it("stop() after pagehide does not send a second leave", async () => {
    h.server.reply(heartbeat(30_000));
    const loop = h.start();
    await settle();
    h.window.fire("pagehide");
    await loop.stop();
    expect(h.navigator.beacons).toHaveLength(1);
  });

  it("leave() sends the leave at once and stops", async () => {
    h.server.reply(heartbeat(30_000));
    const loop = h.start();
    await settle();
    loop.leave();
    expect(h.navigator.beacons).toHaveLength(1);
    expect(loop.state.status).toBe("stopped");
    expect(h.clock.pendingDelays()).toEqual([]);
  });

  it("leaves again when a heartbeat in flight during leave() is counted after it", async () => {
    const slow = held(heartbeat(30_000));
    h.server.reply(heartbeat(1_000), slow.respond);
    const loop = h.start();
    await settle();
    await h.clock.advance(1_000);
    expect(loop.state.inFlight).toBe(true);

    loop.leave();
    expect(h.navigator.beacons).toHaveLength(1);
    slow.release();
    await settle();
    expect(h.navigator.beacons).toHaveLength(2);
    expect(h.navigator.beacons[1]).toEqual({ url: LEAVE_URL, data: '{"token":"tok-1"}' });
    expect(h.clock.pendingDelays()).toEqual([]);
  });

  it("does not leave again when the heartbeat in flight during pagehide was refused", async () => {
    const slow = held(problem(503));
    h.server.reply(slow.respond);
    h.start();
    await settle();

    h.window.fire("pagehide");
    slow.release();
    await settle();
    expect(h.navigator.beacons).toHaveLength(1);
    expect(h.clock.pendingDelays()).toEqual([]);
  });

  it("reports a failed keepalive leave from stop()", async () => {
    h.server.reply(heartbeat(30_000));
    h.server.leaveResponder = problem(503);
    h.start(undefined, { navigator: null }).stop();
    await settle();
    expect(h.server.leaves).toHaveLength(1);
    expect(h.problems).toEqual([expect.objectContaining({ status: 503, fatal: false })]);
  });
});
