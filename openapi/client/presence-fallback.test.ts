import { describe, expect, it } from "vitest";
import { settle } from "./testing/fake-clock";
import { heartbeat, problem } from "./testing/fake-server";
import { STAGE_ID } from "./testing/harness";
import { type PresenceHarness, presenceHarnessPerTest } from "./testing/presence-harness";
import { until } from "./testing/socket-server";

let h: PresenceHarness;
presenceHarnessPerTest((harness) => {
  h = harness;
});

/** Answers for `n` heartbeats, each asking for the next in 30 s. */
function beats(n: number, viewers = 5) {
  return Array.from({ length: n }, () => heartbeat(30_000, viewers));
}

describe("startPresence: falling back to heartbeats", () => {
  it.each([
    ["refuses the upgrade (426)", { refuse: 426 }],
    ["closes the TCP connection", { drop: true }],
  ] as const)(
    "goes to HTTP at once when the server %s, and back to the socket later",
    async (_, answer) => {
      h.sockets.answer = () => answer;
      h.server.reply(...beats(12));
      // Between two heartbeats, so that which comes first is no race.
      const presence = h.start(undefined, { socketRetryMs: 290_000 });
      await until(() => h.server.heartbeats.length === 1, "the first heartbeat");
      await settle();
      expect(h.updates).toEqual([
        { stageId: STAGE_ID, viewers: 5, estimated: false, transport: "http" },
      ]);
      expect(presence.state.status).toBe("fallback");
      expect(h.problems).toEqual([]); // a fallback is no failure
      // The next heartbeat, and the socket's next try (×0.5-1.5; random is 0.5).
      expect(h.clock.pendingDelays()).toEqual([30_000, 290_000]);

      h.sockets.answer = () => ({ accept: true });
      await h.clock.advance(290_000);
      await until(() => h.updates.at(-1)?.transport === "websocket", "a count on the socket");
      expect(presence.state.status).toBe("open");
      expect(h.server.heartbeats).toHaveLength(10); // at 0, 30 s, ... 270 s

      // The loop is stopped without a leave: the viewer is the socket's now.
      await h.clock.advance(120_000);
      expect(h.server.heartbeats).toHaveLength(10);
      expect(h.server.leaves).toEqual([]);
      expect(h.navigator.beacons).toEqual([]);
    },
  );

  it("keeps one anonymous session across the transports", async () => {
    h.sockets.answer = () => ({ refuse: 426 });
    h.server.reply(...beats(12));
    h.start({ anonymous: true });
    await until(() => h.server.heartbeats.length === 1, "the first heartbeat");
    h.sockets.answer = () => ({ accept: true });
    await h.clock.advance(300_000);
    await until(() => h.sockets.sockets.length === 1, "the socket");
    expect(h.server.sessions).toHaveLength(1);
    const auth = h.server.heartbeats[0]!.request.headers.get("Authorization");
    expect(auth).toBe(`Bearer ${h.sockets.upgrades[1]!.searchParams.get("token")}`);
  });

  it("lets the heartbeat say why when the upgrade was refused for a reason (403 is fatal)", async () => {
    h.sockets.answer = () => ({ refuse: 403 });
    h.server.reply(problem(403));
    const presence = h.start();
    await until(() => presence.state.status === "stopped", "the stop");
    expect(h.problems).toMatchObject([{ status: 403, fatal: true }]);
    expect(h.clock.pendingDelays()).toEqual([]); // no socket retry either
  });

  it("goes to HTTP with no timer to retry where there is no WebSocket at all", async () => {
    h.server.reply(...beats(1));
    const presence = h.start(undefined, { WebSocket: null });
    await settle();
    expect(presence.state.status).toBe("fallback");
    expect(h.server.heartbeats).toHaveLength(1);
    expect(h.clock.pendingDelays()).toEqual([30_000]);
    expect(h.sockets.upgrades).toEqual([]);
  });

  it("with transport websocket, retries a refused upgrade with backoff and never sends a heartbeat", async () => {
    h.sockets.answer = () => ({ refuse: 426 });
    h.start(undefined, { transport: "websocket" });
    await until(() => h.problems.length === 1, "the first failure");
    expect(h.problems[0]).toMatchObject({ status: 0, fatal: false, retryInMs: 1_000 });
    await h.clock.advance(1_000);
    await until(() => h.problems.length === 2, "the second failure");
    expect(h.problems[1]).toMatchObject({ retryInMs: 2_000 }); // 0.5 × 4 s
    expect(h.sockets.upgrades).toHaveLength(2);
    expect(h.server.heartbeats).toEqual([]);
  });

  it("with transport websocket and no WebSocket at all, stops and says so", async () => {
    const presence = h.start(undefined, { transport: "websocket", WebSocket: null });
    expect(presence.state.status).toBe("stopped");
    expect(h.problems).toMatchObject([
      { fatal: true, detail: expect.stringMatching(/no WebSocket/) },
    ]);
  });

  it("with transport http, never opens a socket", async () => {
    h.server.reply(...beats(1));
    const presence = h.start(undefined, { transport: "http" });
    await settle();
    expect(h.updates.map((u) => u.transport)).toEqual(["http"]);
    expect(presence.state.status).toBe("fallback");
    expect(h.sockets.upgrades).toEqual([]);
  });
});

describe("startPresence: reconnecting", () => {
  it("spreads the first reconnect after a deploy (1012), backs off after, and falls back after 3 failed handshakes", async () => {
    let random = 0.25;
    h.start(undefined, { random: () => random, reconnectSpreadMs: 8_000 });
    await until(() => h.updates.length === 1, "the first count");
    h.sockets.answer = () => ({ refuse: 503 });
    h.sockets.last.close(1012, "restart");
    await until(() => h.problems.length === 1, "the close");
    expect(h.problems[0]).toMatchObject({ status: 0, fatal: false, retryInMs: 2_000 }); // 0.25 × 8 s

    random = 0.5;
    await h.clock.advance(2_000); // handshake fails (1): backoff, attempt 1: 0.5 × 4 s
    await until(() => h.problems.length === 2, "the first failed handshake");
    expect(h.problems[1]).toMatchObject({ retryInMs: 2_000 });
    await h.clock.advance(2_000); // (2): attempt 2: 0.5 × 8 s
    await until(() => h.problems.length === 3, "the second failed handshake");
    expect(h.problems[2]).toMatchObject({ retryInMs: 4_000 });
    h.server.reply(...beats(1));
    await h.clock.advance(4_000); // (3): to HTTP
    await until(() => h.server.heartbeats.length === 1, "the heartbeat");
    expect(h.sockets.upgrades).toHaveLength(4);
  });

  it("reconnects after a busy close (4429) with backoff, not the spread", async () => {
    h.start(undefined, { random: () => 0.75 });
    await until(() => h.updates.length === 1, "the first count");
    h.sockets.last.refuse(429, "rate_limited");
    await until(() => h.problems.length === 1, "the close");
    expect(h.problems[0]).toMatchObject({ status: 429, fatal: false, retryInMs: 1_500 });
    await h.clock.advance(1_500);
    await until(() => h.updates.length === 2, "the count on the new socket");
    expect(h.sockets.sockets).toHaveLength(2);
  });

  it("takes a socket that stopped answering pings for dead, and reconnects", async () => {
    h.start();
    await until(() => h.updates.length === 1, "the first count");
    h.sockets.answerPings = false;
    await h.clock.advance(30_000);
    await until(() => h.sockets.last.pings() === 1, "ping 1");
    await h.clock.advance(30_000);
    await until(() => h.sockets.last.pings() === 2, "ping 2");
    expect(h.problems).toEqual([]);
    await h.clock.advance(30_000); // 90 s of silence > 2 × 30 s + 10 s
    await until(() => h.sockets.last.closed !== undefined, "the close");
    expect(h.sockets.last.pings()).toBe(2);
    expect(h.problems).toMatchObject([{ status: 0, retryInMs: 15_000 }]); // spread: 0.5 × 30 s
    h.sockets.answerPings = true;
    await h.clock.advance(15_000);
    await until(() => h.updates.length === 2, "the count on the new socket");
  });
});
