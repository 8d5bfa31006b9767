import { describe, expect, it } from "vitest";
import { BACKOFF_CAP_MS } from "./backoff";
import { NETWORK_PROBLEM_TYPE, TOKEN_PROBLEM_TYPE } from "./loop-problem";
import { settle } from "./testing/fake-clock";
import { heartbeat, held, networkFailure, problem } from "./testing/fake-server";
import {
  BASE_URL,
  createLoopHarness,
  type Harness,
  loopHarnessPerTest,
  STAGE_ID,
} from "./testing/harness";

let h: Harness;

loopHarnessPerTest((harness) => {
  h = harness;
});

describe("startHeartbeatLoop: scheduling", () => {
  it("sends at once with the bearer token, then after exactly nextHeartbeatInMs", async () => {
    h.server.reply(heartbeat(27_340, 12), heartbeat(31_000, 13));
    const loop = h.start();
    await settle();

    expect(h.server.heartbeats).toHaveLength(1);
    const first = h.server.heartbeats[0]!;
    expect(first.request.method).toBe("POST");
    expect(first.request.url).toBe(`${BASE_URL}/v1/stages/${STAGE_ID}/heartbeats`);
    expect(first.request.headers.get("Authorization")).toBe("Bearer tok-1");
    expect(first.body).toBe("");
    expect(h.updates.map((beat) => beat.viewers)).toEqual([12]);
    expect(h.clock.pendingDelays()).toEqual([27_340]);

    await h.clock.advance(27_339);
    expect(h.server.heartbeats).toHaveLength(1);
    await h.clock.advance(1);
    expect(h.server.heartbeats).toHaveLength(2);
    expect(h.updates.map((beat) => beat.viewers)).toEqual([12, 13]);
    expect(h.clock.pendingDelays()).toEqual([31_000]);
    expect(loop.state).toMatchObject({ status: "running", consecutiveFailures: 0 });
  });

  it("as an anonymous viewer, starts a session and beats with its token, renewing it on a 401", async () => {
    h.server.reply(heartbeat(5_000), problem(401), heartbeat(5_000));
    h.start({ anonymous: true });
    await settle();
    expect(h.server.sessions.map((s) => s.body)).toEqual(["{}"]);
    expect(h.server.heartbeats[0]!.request.headers.get("Authorization")).toBe("Bearer anon-tok-1");

    await h.clock.advance(5_000); // refused: the session is renewed (same id) and sent again
    await settle();
    expect(h.server.sessions.map((s) => s.body)).toEqual(["{}", '{"token":"anon-tok-1"}']);
    expect(h.server.heartbeats[2]!.request.headers.get("Authorization")).toBe("Bearer anon-tok-2");
    expect(h.updates).toHaveLength(2);
  });

  it("as an anonymous viewer, stops on a stage that refuses sessions and retries one that is busy", async () => {
    h.server.sessionResponder = problem(403);
    h.start({ anonymous: true });
    await settle();
    expect(h.problems[0]).toMatchObject({ status: 403, fatal: true });
    expect(h.server.heartbeats).toHaveLength(0);

    const busy = createLoopHarness();
    busy.server.sessionResponder = problem(429, "60");
    busy.start({ anonymous: true });
    await settle();
    expect(busy.problems[0]).toMatchObject({ status: 429, fatal: false });
    expect(busy.clock.pendingDelays()[0]).toBeGreaterThanOrEqual(60_000);
  });

  it("reports the media element's state with each heartbeat: playing, paused, buffering", async () => {
    const media = { paused: false, readyState: 4 };
    h.server.reply(heartbeat(5_000), heartbeat(5_000), heartbeat(5_000));
    h.start(undefined, { media });
    await settle();
    media.paused = true;
    await h.clock.advance(5_000);
    await settle();
    media.paused = false;
    media.readyState = 2;
    await h.clock.advance(5_000);
    await settle();
    const states = h.server.heartbeats.map(({ request }) =>
      new URL(request.url).searchParams.get("state"),
    );
    expect(states).toEqual(["playing", "paused", "buffering"]);
  });

  it("sends no state without a media element (the server then credits it as playing)", async () => {
    h.server.reply(heartbeat(30_000));
    h.start();
    await settle();
    expect(new URL(h.server.heartbeats[0]!.request.url).searchParams.has("state")).toBe(false);
  });

  it("asks a token function before each heartbeat", async () => {
    const asked: boolean[] = [];
    let n = 0;
    h.server.reply(heartbeat(5_000), heartbeat(5_000));
    h.start({
      token: async ({ refresh }) => {
        asked.push(refresh);
        n += 1;
        return `tok-${n}`;
      },
    });
    await settle();
    await h.clock.advance(5_000);

    expect(asked).toEqual([false, false]);
    const auth = h.server.heartbeats.map((r) => r.request.headers.get("Authorization"));
    expect(auth).toEqual(["Bearer tok-1", "Bearer tok-2"]);
  });

  it("raises an interval below the contract's 1 s minimum to 1 s", async () => {
    h.server.reply(heartbeat(5));
    h.start();
    await settle();
    expect(h.clock.pendingDelays()).toEqual([1_000]);
  });
});

describe("startHeartbeatLoop: backoff", () => {
  it("waits at least Retry-After on 429, with jitter on top", async () => {
    h.server.reply(problem(429, "5"), heartbeat(30_000));
    const loop = h.start();
    await settle();

    // 5 s + 0.5 × min(60 s, max(2 s, 5 s) × 2^0) = 7.5 s
    expect(h.clock.pendingDelays()).toEqual([7_500]);
    expect(h.problems).toHaveLength(1);
    expect(h.problems[0]).toMatchObject({ status: 429, fatal: false, retryInMs: 7_500 });
    expect(loop.state).toMatchObject({ status: "backing-off", consecutiveFailures: 1 });

    await h.clock.advance(7_499);
    expect(h.server.heartbeats).toHaveLength(1);
    await h.clock.advance(1);
    expect(h.server.heartbeats).toHaveLength(2);
  });

  it("never retries before Retry-After, whatever the random draw", async () => {
    h.server.reply(problem(503, "20"));
    h.start(undefined, { random: () => 0 });
    await settle();
    expect(h.clock.pendingDelays()).toEqual([20_000]);
  });

  it("doubles the window on each failure, caps it, and resets after a success", async () => {
    const failures = Array.from({ length: 7 }, () => problem(503));
    h.server.reply(...failures, heartbeat(30_000), problem(503));
    h.start(undefined, { random: () => 0.999 });
    await settle();

    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      const [delay] = h.clock.pendingDelays();
      delays.push(delay!);
      await h.clock.advance(delay!);
    }
    // 0.999 × 2, 4, 8, 16, 32 s, then the 60 s cap
    const capped = Math.round(0.999 * BACKOFF_CAP_MS);
    expect(delays).toEqual([1_998, 3_996, 7_992, 15_984, 31_968, capped, capped]);
    expect(h.clock.pendingDelays()).toEqual([30_000]);

    await h.clock.advance(30_000);
    expect(h.clock.pendingDelays()).toEqual([1_998]);
    expect(h.problems.every((p) => !p.fatal)).toBe(true);
  });

  it("backs off on network errors and reports them with status 0", async () => {
    h.server.reply(networkFailure(), heartbeat(30_000));
    h.start();
    await settle();

    expect(h.problems[0]).toMatchObject({ type: NETWORK_PROBLEM_TYPE, status: 0, fatal: false });
    expect(h.problems[0]!.cause).toBeInstanceOf(TypeError);
    expect(h.clock.pendingDelays()).toEqual([1_000]);
    await h.clock.advance(1_000);
    expect(h.updates).toHaveLength(1);
  });

  it("gives up on a request that hangs after requestTimeoutMs and backs off", async () => {
    const hanging = held(heartbeat(30_000));
    h.server.reply(hanging.respond, heartbeat(30_000));
    h.start(undefined, { requestTimeoutMs: 10_000 });
    await settle();
    expect(h.clock.pendingDelays()).toEqual([10_000]);

    await h.clock.advance(10_000);
    expect(h.problems[0]).toMatchObject({ type: NETWORK_PROBLEM_TYPE, fatal: false });
    expect(h.problems[0]!.detail).toContain("10000 ms");
    expect(h.clock.pendingDelays()).toEqual([1_000]);
  });

  it("backs off when the token function fails", async () => {
    h.server.reply(heartbeat(30_000));
    let calls = 0;
    h.start({
      token: () => {
        calls += 1;
        if (calls === 1) throw new Error("token backend down");
        return "tok-2";
      },
    });
    await settle();

    expect(h.server.heartbeats).toHaveLength(0);
    expect(h.problems[0]).toMatchObject({ type: TOKEN_PROBLEM_TYPE, fatal: false });
    await h.clock.advance(1_000);
    expect(h.server.heartbeats).toHaveLength(1);
  });
});

describe("startHeartbeatLoop: refusals", () => {
  it.each([404, 410, 403])(
    "stops on %i, reports it as fatal and sends no leave",
    async (status) => {
      h.server.reply(problem(status));
      const loop = h.start();
      await settle();

      expect(h.problems).toHaveLength(1);
      expect(h.problems[0]).toMatchObject({ status, fatal: true, title: `Status ${status}` });
      expect(h.problems[0]!.retryInMs).toBeUndefined();
      expect(h.clock.pendingDelays()).toEqual([]);
      expect(loop.state.status).toBe("stopped");
      expect(h.window.listenerCount()).toBe(0);

      await loop.stop();
      expect(h.navigator.beacons).toEqual([]);
      expect(h.server.leaves).toEqual([]);
    },
  );

  it("stops on 401 with a fixed token", async () => {
    h.server.reply(problem(401));
    h.start();
    await settle();
    expect(h.problems.map((p) => [p.status, p.fatal])).toEqual([[401, true]]);
  });

  it("retries a 401 once at once with a refreshed token from a token function", async () => {
    const asked: boolean[] = [];
    h.server.reply(problem(401), heartbeat(30_000));
    h.start({
      token: ({ refresh }) => {
        asked.push(refresh);
        return refresh ? "fresh" : "stale";
      },
    });
    await settle();

    expect(asked).toEqual([false, true]);
    const auth = h.server.heartbeats.map((r) => r.request.headers.get("Authorization"));
    expect(auth).toEqual(["Bearer stale", "Bearer fresh"]);
    expect(h.problems.map((p) => [p.status, p.fatal])).toEqual([[401, false]]);
    expect(h.clock.pendingDelays()).toEqual([30_000]);
  });

  it("stops on a second 401 in a row even with a token function", async () => {
    h.server.reply(problem(401), problem(401));
    const loop = h.start({ token: () => "always-bad" });
    await settle();

    expect(h.server.heartbeats).toHaveLength(2);
    expect(h.problems.map((p) => p.fatal)).toEqual([false, true]);
    expect(loop.state.status).toBe("stopped");
  });

  it("keeps a non-problem error body readable (a proxy's HTML 502)", async () => {
    h.server.reply(() => new Response("<html>Bad gateway</html>", { status: 502 }));
    h.start();
    await settle();
    expect(h.problems[0]).toMatchObject({ type: "about:blank", status: 502, fatal: false });
  });
});

describe("startHeartbeatLoop: one request at a time", () => {
  it("does not start a heartbeat while one is in flight", async () => {
    const slow = held(heartbeat(30_000));
    h.server.reply(slow.respond);
    const loop = h.start();
    await settle();
    expect(loop.state.inFlight).toBe(true);

    // The page leaves and comes back from the back/forward cache while the request hangs.
    h.window.fire("pagehide");
    h.window.fire("pageshow");
    await settle();
    expect(h.server.heartbeats).toHaveLength(1);
    expect(h.server.inFlight).toBe(1);

    slow.release();
    await settle();
    expect(loop.state.inFlight).toBe(false);
    expect(h.clock.pendingDelays()).toEqual([30_000]);
    expect(h.server.maxInFlight).toBe(1);
  });
});
