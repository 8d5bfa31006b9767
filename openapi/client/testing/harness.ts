import { startHeartbeatLoop } from "../heartbeat-loop";
import type {
  HeartbeatLoop,
  HeartbeatLoopBaseOptions,
  ViewerIdentity,
} from "../heartbeat-loop-options";
import type { LoopProblem } from "../loop-problem";
import type { Heartbeat } from "../types";
import { FakeClock } from "./fake-clock";
import { FakeDocument, FakeNavigator, FakeWindow } from "./fake-page";
import { FakeServer } from "./fake-server";

export const BASE_URL = "https://presence.test";
export const STAGE_ID = "concert-42";

/** Everything a loop test drives: the fakes, what the callbacks saw, and the loop itself. */
export interface Harness {
  clock: FakeClock;
  server: FakeServer;
  document: FakeDocument;
  window: FakeWindow;
  navigator: FakeNavigator;
  updates: Heartbeat[];
  problems: LoopProblem[];
  start(
    identity?: ViewerIdentity,
    extra?: Partial<Omit<HeartbeatLoopBaseOptions, "onUpdate" | "onError">>,
  ): HeartbeatLoop;
}

/** Fresh fakes for one test; `random` is 0.5 unless the test passes its own. */
export function createLoopHarness(): Harness {
  const clock = new FakeClock();
  const server = new FakeServer();
  const document = new FakeDocument();
  const window = new FakeWindow();
  const navigator = new FakeNavigator();
  const updates: Heartbeat[] = [];
  const problems: LoopProblem[] = [];
  return {
    clock,
    server,
    document,
    window,
    navigator,
    updates,
    problems,
    start(identity = { token: "tok-1" }, extra = {}) {
      return startHeartbeatLoop({
        baseUrl: BASE_URL,
        stageId: STAGE_ID,
        fetch: server.fetch,
        timers: clock,
        now: clock.now,
        random: () => 0.5,
        document,
        window,
        navigator,
        onUpdate: (beat) => updates.push(beat),
        onError: (problem) => problems.push(problem),
        ...extra,
        ...identity,
      });
    },
  };
}
