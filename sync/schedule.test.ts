import { describe, expect, it } from "vitest";
import { nextRunDelayMs, runEvery, type ScheduleTimers } from "./schedule";

/** ScheduleTimers the test drives: `advance` fires what is due, in order. */
function fakeTimers(startMs: number) {
  let nowMs = startMs;
  let nextId = 1;
  const pending = new Map<number, { atMs: number; callback: () => void }>();
  const timers: ScheduleTimers = {
    now: () => nowMs,
    setTimeout(callback, delayMs) {
      const id = nextId++;
      pending.set(id, { atMs: nowMs + delayMs, callback });
      return id;
    },
    clearTimeout(handle) {
      pending.delete(handle as number);
    },
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  return {
    timers,
    pending,
    async advance(ms: number) {
      const untilMs = nowMs + ms;
      for (;;) {
        await settle();
        const due = [...pending].sort(([, a], [, b]) => a.atMs - b.atMs)[0];
        if (due === undefined || due[1].atMs > untilMs) break;
        pending.delete(due[0]);
        nowMs = due[1].atMs;
        due[1].callback();
      }
      nowMs = untilMs;
      await settle();
    },
  };
}

const MIN = 60_000;

describe("runEvery", () => {
  it("aligns runs to the period plus the offset", () => {
    expect(nextRunDelayMs(0, 5 * MIN)).toBe(5 * MIN);
    expect(nextRunDelayMs(1000, 5 * MIN)).toBe(5 * MIN - 1000);
    expect(nextRunDelayMs(5 * MIN, 5 * MIN, 15_000)).toBe(15_000);
    expect(nextRunDelayMs(5 * MIN + 15_000, 5 * MIN, 15_000)).toBe(5 * MIN);
  });

  it("runs at once, then on each boundary, until stopped", async () => {
    const clock = fakeTimers(2 * MIN);
    const startedAt: number[] = [];
    const schedule = runEvery({
      periodMs: 5 * MIN,
      offsetMs: 15_000,
      run: async () => {
        startedAt.push(clock.timers.now());
      },
      timers: clock.timers,
    });
    await clock.advance(11 * MIN);
    expect(startedAt).toEqual([2 * MIN, 5 * MIN + 15_000, 10 * MIN + 15_000]);
    await schedule.stop();
    expect(clock.pending.size).toBe(0);
    await clock.advance(30 * MIN);
    expect(startedAt).toHaveLength(3);
  });

  it("lets the run in flight finish before stop resolves, and starts no other", async () => {
    const clock = fakeTimers(0);
    let finish: () => void = () => {};
    let runs = 0;
    let finished = 0;
    const schedule = runEvery({
      periodMs: MIN,
      timers: clock.timers,
      run: async () => {
        runs++;
        await new Promise<void>((resolve) => {
          finish = resolve;
        });
        finished++;
      },
    });
    let stopped = false;
    const stopping = schedule.stop().then(() => {
      stopped = true;
    });
    await clock.advance(0);
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect({ runs, finished, pending: clock.pending.size }).toEqual({
      runs: 1,
      finished: 1,
      pending: 0,
    });
  });

  it("reports a failed run and keeps going", async () => {
    const clock = fakeTimers(0);
    const errors: unknown[] = [];
    let runs = 0;
    const schedule = runEvery({
      periodMs: MIN,
      timers: clock.timers,
      onError: (error) => errors.push(error),
      run: async () => {
        if (++runs === 1) throw new Error("boom");
      },
    });
    await clock.advance(2 * MIN);
    await schedule.stop();
    expect(runs).toBe(3);
    expect(errors).toHaveLength(1);
  });

  it("never overlaps: a run longer than the period skips to the next boundary", async () => {
    const clock = fakeTimers(0);
    const starts: number[] = [];
    const schedule = runEvery({
      periodMs: MIN,
      timers: clock.timers,
      run: async () => {
        starts.push(clock.timers.now());
        if (starts.length === 1) {
          await new Promise<void>((resolve) => clock.timers.setTimeout(resolve, 90_000));
        }
      },
    });
    await clock.advance(3 * MIN);
    await schedule.stop();
    expect(starts).toEqual([0, 2 * MIN, 3 * MIN]);
  });
});
