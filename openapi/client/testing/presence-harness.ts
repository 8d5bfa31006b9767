import type { ViewerIdentity } from "../heartbeat-loop-options";
import type { LoopProblem } from "../loop-problem";
import type { Presence, PresenceOptions, PresenceUpdate } from "../presence-options";
import { startPresence } from "../start-presence";
import { type StageWatch, type WatchStageOptions, watchStage } from "../watch-stage";
import { FakeClock } from "./fake-clock";
import { FakeDocument, FakeNavigator, FakeWindow } from "./fake-page";
import { FakeServer } from "./fake-server";
import { STAGE_ID } from "./harness";
import { SocketServer } from "./socket-server";

type ExtraOptions = Partial<
  Omit<PresenceOptions, "onUpdate" | "onError" | "token" | "anonymous" | "client" | "fetch">
>;

/** Everything a presence test drives: a real socket server, the fake HTTP server and page, the clock. */
export interface PresenceHarness {
  clock: FakeClock;
  sockets: SocketServer;
  server: FakeServer;
  document: FakeDocument;
  window: FakeWindow;
  navigator: FakeNavigator;
  updates: PresenceUpdate[];
  problems: LoopProblem[];
  start(identity?: ViewerIdentity, extra?: ExtraOptions): Presence;
  watch(
    extra?: Partial<Omit<WatchStageOptions, "onUpdate" | "onError" | "client" | "fetch">>,
  ): StageWatch;
  /** Stops what was started and the socket server. */
  close(): Promise<void>;
}

/**
 * Fresh fakes and a real socket server for one test; `random` is 0.5 unless the test passes its
 * own. Sockets go to the real server (Node's global `WebSocket`); heartbeats, leaves, sessions
 * and polls go to the fake `fetch`, so both transports can be watched in one test.
 */
export async function createPresenceHarness(): Promise<PresenceHarness> {
  const clock = new FakeClock();
  const sockets = await SocketServer.start();
  const server = new FakeServer();
  const document = new FakeDocument();
  const window = new FakeWindow();
  const navigator = new FakeNavigator();
  const updates: PresenceUpdate[] = [];
  const problems: LoopProblem[] = [];
  const started: { stop(): Promise<void> }[] = [];
  const common = {
    baseUrl: sockets.url,
    stageId: STAGE_ID,
    fetch: server.fetch,
    timers: clock,
    now: clock.now,
    random: () => 0.5,
    document,
    window,
    onUpdate: (update: PresenceUpdate) => updates.push(update),
    onError: (problem: LoopProblem) => problems.push(problem),
  };
  return {
    clock,
    sockets,
    server,
    document,
    window,
    navigator,
    updates,
    problems,
    start(identity = { token: "tok-1" }, extra = {}) {
      const presence = startPresence({ ...common, navigator, ...extra, ...identity });
      started.push(presence);
      return presence;
    },
    watch(extra = {}) {
      const watch = watchStage({ ...common, ...extra });
      started.push(watch);
      return watch;
    },
    async close() {
      // The clock must run for a close that waits on its deadline; stop() resolves on the close.
      await Promise.all(started.map((it) => it.stop()));
      await sockets.stop();
    },
  };
}
