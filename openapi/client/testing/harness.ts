import { afterEach, beforeEach, expect } from "vitest";
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

/** The fakes a client test drives (clock, HTTP server, page), and what its callbacks saw. */
export interface FakeHost<Update> {
  clock: FakeClock;
  server: FakeServer;
  document: FakeDocument;
  window: FakeWindow;
  navigator: FakeNavigator;
  updates: Update[];
  problems: LoopProblem[];
}

export function createFakeHost<Update>(): FakeHost<Update> {
  return {
    clock: new FakeClock(),
    server: new FakeServer(),
    document: new FakeDocument(),
    window: new FakeWindow(),
    navigator: new FakeNavigator(),
    updates: [],
    problems: [],
  };
}

/**
 * The options every loop under test takes from the fakes (all but `navigator`, which watchers
 * do not take): the stage, the fake `fetch`, clock and page, callbacks that keep what they saw,
 * and `random` 0.5 unless the test passes its own.
 */
export function fakeHostOptions<Update>(host: FakeHost<Update>, baseUrl: string) {
  return {
    baseUrl,
    stageId: STAGE_ID,
    fetch: host.server.fetch,
    timers: host.clock,
    now: host.clock.now,
    random: () => 0.5,
    document: host.document,
    window: host.window,
    onUpdate: (update: Update) => host.updates.push(update),
    onError: (problem: LoopProblem) => host.problems.push(problem),
  };
}

/** Everything a loop test drives: the fakes, what the callbacks saw, and the loop itself. */
export interface Harness extends FakeHost<Heartbeat> {
  start(
    identity?: ViewerIdentity,
    extra?: Partial<Omit<HeartbeatLoopBaseOptions, "onUpdate" | "onError">>,
  ): HeartbeatLoop;
}

/** Fresh fakes for one test; `random` is 0.5 unless the test passes its own. */
export function createLoopHarness(): Harness {
  const host = createFakeHost<Heartbeat>();
  return {
    ...host,
    start(identity = { token: "tok-1" }, extra = {}) {
      return startHeartbeatLoop({
        ...fakeHostOptions(host, BASE_URL),
        navigator: host.navigator,
        ...extra,
        ...identity,
      });
    },
  };
}

/**
 * Gives each test of the file a fresh loop harness (through `use`), and fails the test after it
 * if the fake server got a request it did not expect, or ever had two in flight.
 */
export function loopHarnessPerTest(use: (harness: Harness) => void): void {
  let harness: Harness;
  beforeEach(() => {
    harness = createLoopHarness();
    use(harness);
  });
  afterEach(() => {
    expect(harness.server.unexpected).toEqual([]);
    expect(harness.server.maxInFlight).toBeLessThanOrEqual(1);
  });
}
