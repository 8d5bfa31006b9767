import { describe, expect, it } from "vitest";
import { localCount, planAlarm, type ShardClock } from "./shard-schedule";

const GAP_MS = 20_000;
const at = (clock: Partial<ShardClock>): ShardClock => ({
  nowMs: 100_000,
  slotWritten: true,
  changes: false,
  lastEarlyFlushMs: undefined,
  gapMs: GAP_MS,
  nextRegularMs: 125_000,
  ...clock,
});

describe("a presence shard's alarm", () => {
  it("writes every viewer once a slot, whatever else is owed", () => {
    expect(planAlarm(at({ slotWritten: false }))).toEqual({ kind: "flush", full: true });
    expect(planAlarm(at({ slotWritten: false, changes: true, lastEarlyFlushMs: 99_000 }))).toEqual({
      kind: "flush",
      full: true,
    });
  });

  it("writes the first change after a quiet gap at once, and only the change", () => {
    expect(planAlarm(at({ changes: true }))).toEqual({ kind: "flush", full: false });
    expect(planAlarm(at({ changes: true, lastEarlyFlushMs: 100_000 - GAP_MS }))).toEqual({
      kind: "flush",
      full: false,
    });
  });

  it("only pushes the local count while the gap runs, and rings again when it ends", () => {
    expect(planAlarm(at({ changes: true, lastEarlyFlushMs: 95_000 }))).toEqual({
      kind: "push",
      nextAlarmMs: 115_000,
    });
    // The slot's write comes first when it is due before the gap ends.
    expect(
      planAlarm(at({ changes: true, lastEarlyFlushMs: 99_000, nextRegularMs: 110_000 })),
    ).toEqual({ kind: "push", nextAlarmMs: 110_000 });
  });

  it("with nothing owed, pushes and sleeps until the slot's write", () => {
    expect(planAlarm(at({ lastEarlyFlushMs: 0 }))).toEqual({ kind: "push", nextAlarmMs: 125_000 });
  });

  it("bounds a busy shard's flushes by time, not by its audience's churn", () => {
    // A join every 100 ms for a minute, the alarm ringing a second after each burst.
    let lastEarlyFlushMs: number | undefined;
    let flushes = 0;
    for (let nowMs = 0; nowMs < 60_000; nowMs += 1_000) {
      const plan = planAlarm(at({ nowMs, changes: true, lastEarlyFlushMs, nextRegularMs: 1e9 }));
      if (plan.kind === "flush") {
        flushes++;
        lastEarlyFlushMs = nowMs;
      }
    }
    expect(flushes).toBe(3);
  });
});

describe("the count a shard pushes between flushes", () => {
  it("replaces its own viewers at the last count with its viewers now", () => {
    // 40 counted, 10 of them this shard's; 3 joined here since, 1 left.
    expect(localCount(40, 10, 12)).toBe(42);
    expect(localCount(40, 10, 9)).toBe(39);
  });

  it("never shows fewer than the viewers it holds", () => {
    // The last count was read before any of these joined (a new shard).
    expect(localCount(0, 0, 3)).toBe(3);
    expect(localCount(5, 8, 2)).toBe(2);
  });
});
