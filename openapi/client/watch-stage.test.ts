import { describe, expect, it } from "vitest";
import { settle } from "./testing/fake-clock";
import { problem, stageViewers } from "./testing/fake-server";
import { STAGE_ID } from "./testing/harness";
import { type PresenceHarness, presenceHarnessPerTest } from "./testing/presence-harness";
import { until } from "./testing/socket-server";

let h: PresenceHarness;
presenceHarnessPerTest((harness) => {
  h = harness;
});

describe("watchStage", () => {
  it("watches with ?watch=true and no token, gets pushed counts, and closes without a leave", async () => {
    const watch = h.watch();
    await until(() => h.updates.length === 1, "the first count");
    expect(Object.fromEntries(h.sockets.upgrades[0]!.searchParams)).toEqual({ watch: "true" });
    h.sockets.last.sendCount(9);
    await until(() => h.updates.length === 2, "the pushed count");
    expect(h.updates.map((u) => [u.viewers, u.transport])).toEqual([
      [3, "websocket"],
      [9, "websocket"],
    ]);

    await watch.stop();
    await until(() => h.sockets.last.closed !== undefined, "the close");
    expect(h.sockets.last.closed?.code).toBe(1000);
    expect(h.sockets.last.messages()).toEqual([]);
    expect(h.server.sessions).toEqual([]);
  });

  it("reconnects after a deploy, spread like a viewer's", async () => {
    h.watch({ random: () => 0.2 });
    await until(() => h.updates.length === 1, "the first count");
    h.sockets.last.close(1001, "going away");
    await until(() => h.problems.length === 1, "the close");
    expect(h.problems[0]).toMatchObject({ fatal: false, retryInMs: 6_000 }); // 0.2 × 30 s
    await h.clock.advance(6_000);
    await until(() => h.updates.length === 2, "the count on the new socket");
  });

  it("polls getStageViewers where the socket cannot open, no sooner than Cache-Control allows", async () => {
    h.sockets.answer = () => ({ refuse: 426 });
    h.server.replyViewers(stageViewers(4, "public, max-age=20"), stageViewers(6), stageViewers(7));
    const watch = h.watch({ pollEveryMs: 10_000, socketRetryMs: 600_000 });
    await until(() => h.server.reads.length === 1, "the first read");
    await settle();
    expect(h.updates).toEqual([
      { stageId: STAGE_ID, viewers: 4, estimated: false, transport: "http" },
    ]);
    expect(watch.state.status).toBe("fallback");
    // max-age 20 s beats the 10 s asked, × 1.25 (random 0.5); the socket's retry after 10 min.
    expect(h.clock.pendingDelays()).toEqual([25_000, 600_000]);
    await h.clock.advance(25_000);
    // max-age 5 s: the 10 s asked, × 1.25.
    expect(h.clock.pendingDelays()).toEqual([12_500, 575_000]);
    await h.clock.advance(12_500);
    expect(h.updates.map((u) => u.viewers)).toEqual([4, 6, 7]);
  });

  it("polls no faster than every 10 s, and stops on a 404", async () => {
    h.server.replyViewers(stageViewers(1, "no-store"), problem(404));
    const watch = h.watch({ WebSocket: null, pollEveryMs: 1_000 });
    await until(() => h.server.reads.length === 1, "the first read");
    await settle();
    expect(h.clock.pendingDelays()).toEqual([12_500]);
    await h.clock.advance(12_500);
    expect(watch.state.status).toBe("stopped");
    expect(h.problems).toMatchObject([{ status: 404, fatal: true }]);
    expect(h.clock.pendingDelays()).toEqual([]);
  });

  it("goes back to the socket from polling when it can", async () => {
    h.sockets.answer = () => ({ drop: true });
    h.server.replyViewers(stageViewers(4, "public, max-age=60"));
    h.watch({ socketRetryMs: 40_000 });
    await until(() => h.server.reads.length === 1, "the first read");
    h.sockets.answer = () => ({ accept: true });
    await h.clock.advance(40_000); // the retry comes before the next read (75 s)
    await until(() => h.updates.length === 2, "the count on the socket");
    await h.clock.advance(60_000);
    expect(h.server.reads).toHaveLength(1);
  });
});
