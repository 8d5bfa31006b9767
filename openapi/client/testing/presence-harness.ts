import { afterEach, beforeEach, expect } from "vitest";
import type { ViewerIdentity } from "../heartbeat-loop-options";
import type { Presence, PresenceOptions, PresenceUpdate } from "../presence-options";
import { startPresence } from "../start-presence";
import { type StageWatch, type WatchStageOptions, watchStage } from "../watch-stage";
import { createFakeHost, type FakeHost, fakeHostOptions } from "./harness";
import { SocketServer } from "./socket-server";

type ExtraOptions = Partial<
  Omit<PresenceOptions, "onUpdate" | "onError" | "token" | "anonymous" | "client" | "fetch">
>;

/** Everything a presence test drives: a real socket server, the fake HTTP server and page, the clock. */
export interface PresenceHarness extends FakeHost<PresenceUpdate> {
  sockets: SocketServer;
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
  const sockets = await SocketServer.start();
  const host = createFakeHost<PresenceUpdate>();
  const started: { stop(): Promise<void> }[] = [];
  const common = fakeHostOptions(host, sockets.url);
  return {
    ...host,
    sockets,
    start(identity = { token: "tok-1" }, extra = {}) {
      const presence = startPresence({
        ...common,
        navigator: host.navigator,
        ...extra,
        ...identity,
      });
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

/**
 * Gives each test of the file a fresh presence harness (through `use`), closes it after the test,
 * and fails the test if the fake server got a request it did not expect.
 */
export function presenceHarnessPerTest(use: (harness: PresenceHarness) => void): void {
  let harness: PresenceHarness;
  beforeEach(async () => {
    harness = await createPresenceHarness();
    use(harness);
  });
  afterEach(async () => {
    await harness.close();
    expect(harness.server.unexpected).toEqual([]);
  });
}
