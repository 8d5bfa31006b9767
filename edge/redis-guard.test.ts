import { describe, expect, it } from "vitest";
import { StoreUnavailableError } from "./problems";
import { createRedisGuard, isDeadlineMiss, REDIS_GUARD_LIMITS } from "./redis-guard";

/** A guard on clocks the test moves, logging into an array. */
function guarded(options: { shedLoad?: boolean; commandsPerSec?: number } = {}) {
  const clock = { nowMs: 1_000_000 };
  const logged: string[] = [];
  const guard = createRedisGuard({
    database: 1,
    now: () => clock.nowMs,
    log: (summary) => logged.push(summary),
    ...options,
  });
  return { guard, clock, logged };
}

/** What an aborted fetch throws when its `AbortSignal.timeout` fires. */
const timeout = () => new DOMException("The operation was aborted due to timeout", "TimeoutError");

/** A call that stays in flight until the test settles it. */
function pending<T>() {
  let settle!: { resolve: (value: T) => void; reject: (error: unknown) => void };
  const promise = new Promise<T>((resolve, reject) => {
    settle = { resolve, reject };
  });
  return { promise, ...settle };
}

/** Whether `call` was refused (503) without running `run`. */
async function refusedUnsent(guard: ReturnType<typeof createRedisGuard>) {
  let ran = false;
  const error = await guard
    .call(async () => {
      ran = true;
    })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  return !ran && error instanceof StoreUnavailableError && error.counted;
}

describe("createRedisGuard", () => {
  it("opens after consecutive deadline misses, refuses unsent, then lets one probe through", async () => {
    const { guard, clock } = guarded();
    for (let i = 0; i < REDIS_GUARD_LIMITS.tripAfterMisses - 1; i++) {
      await expect(guard.call(() => Promise.reject(timeout()))).rejects.toThrow(
        StoreUnavailableError,
      );
    }
    expect(guard.state).toBe("closed");
    await expect(guard.call(() => Promise.reject(timeout()))).rejects.toThrow();
    expect(guard.state).toBe("open");
    expect(await refusedUnsent(guard)).toBe(true);

    clock.nowMs += REDIS_GUARD_LIMITS.coolDownMs;
    const probe = pending<string>();
    const probing = guard.call(() => probe.promise);
    expect(guard.state).toBe("probing");
    // While the probe is out, the others are refused: one call tells whether it answers.
    expect(await refusedUnsent(guard)).toBe(true);
    probe.resolve("PONG");
    expect(await probing).toBe("PONG");
    expect(guard.state).toBe("closed");
    expect(await guard.call(async () => "OK")).toBe("OK");
  });

  it("opens again when the probe misses its deadline too", async () => {
    const { guard, clock } = guarded();
    for (let i = 0; i < REDIS_GUARD_LIMITS.tripAfterMisses; i++) {
      await guard.call(() => Promise.reject(timeout())).catch(() => undefined);
    }
    clock.nowMs += REDIS_GUARD_LIMITS.coolDownMs;
    await expect(guard.call(() => Promise.reject(timeout()))).rejects.toThrow();
    expect(guard.state).toBe("open");
    expect(await refusedUnsent(guard)).toBe(true);
  });

  it("does not count misses while the database answered other calls: the isolate was late, not the database", async () => {
    const { guard } = guarded();
    const late = Array.from({ length: REDIS_GUARD_LIMITS.tripAfterMisses }, () =>
      pending<string>(),
    );
    const running = late.map((call) => guard.call(() => call.promise).catch(() => undefined));
    expect(await guard.call(async () => "answered meanwhile")).toBe("answered meanwhile");
    for (const call of late) call.reject(timeout());
    await Promise.all(running);
    expect(guard.state).toBe("closed");
    // The same misses with the database silent throughout open it.
    const silent = Array.from({ length: REDIS_GUARD_LIMITS.tripAfterMisses }, () =>
      pending<string>(),
    );
    const stalled = silent.map((call) => guard.call(() => call.promise).catch(() => undefined));
    for (const call of silent) call.reject(timeout());
    await Promise.all(stalled);
    expect(guard.state).toBe("open");
  });

  it("counts only deadline misses: a call that comes back in time, even failing, resets the count", async () => {
    const { guard } = guarded();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < REDIS_GUARD_LIMITS.tripAfterMisses - 1; i++) {
        await guard.call(() => Promise.reject(timeout())).catch(() => undefined);
      }
      const refused = new Error("ERR wrong number of arguments");
      await expect(guard.call(() => Promise.reject(refused))).rejects.toMatchObject({
        cause: refused,
      });
    }
    expect(guard.state).toBe("closed");
  });

  it("refuses calls beyond the in-flight budget at once, and takes them again as calls return", async () => {
    const { guard } = guarded();
    const calls = Array.from({ length: REDIS_GUARD_LIMITS.maxInFlight }, () => pending<string>());
    const running = calls.map((call) => guard.call(() => call.promise));
    expect(await refusedUnsent(guard)).toBe(true);
    expect(guard.state).toBe("closed");
    calls[0]!.resolve("OK");
    await running[0];
    expect(await guard.call(async () => "sent")).toBe("sent");
    for (const call of calls) call.resolve("OK");
    await Promise.all(running);
  });

  it("stops counting a call that never reports back once its lease ends (workerd may drop a cancelled request's continuation)", async () => {
    const { guard, clock } = guarded();
    const lost = Array.from({ length: REDIS_GUARD_LIMITS.maxInFlight }, () => pending<string>());
    for (const call of lost) void guard.call(() => call.promise);
    expect(await refusedUnsent(guard)).toBe(true);
    clock.nowMs += REDIS_GUARD_LIMITS.callLeaseMs;
    expect(await guard.call(async () => "sent")).toBe("sent");
  });

  it("lets another probe go when one never reports back", async () => {
    const { guard, clock } = guarded();
    for (let i = 0; i < REDIS_GUARD_LIMITS.tripAfterMisses; i++) {
      await guard.call(() => Promise.reject(timeout())).catch(() => undefined);
    }
    clock.nowMs += REDIS_GUARD_LIMITS.coolDownMs;
    void guard.call(() => pending<string>().promise);
    expect(await refusedUnsent(guard)).toBe(true);
    clock.nowMs += REDIS_GUARD_LIMITS.callLeaseMs;
    expect(await guard.call(async () => "PONG")).toBe("PONG");
    expect(guard.state).toBe("closed");
  });

  it("with shedLoad false, every call is sent whatever failed before", async () => {
    const { guard } = guarded({ shedLoad: false });
    for (let i = 0; i < REDIS_GUARD_LIMITS.tripAfterMisses * 2; i++) {
      await guard.call(() => Promise.reject(timeout())).catch(() => undefined);
    }
    const slow = Array.from({ length: REDIS_GUARD_LIMITS.maxInFlight }, () => pending<string>());
    const running = slow.map((call) => guard.call(() => call.promise));
    expect(await guard.call(async () => "sent")).toBe("sent");
    for (const call of slow) call.resolve("OK");
    await Promise.all(running);
  });

  it("logs failures once per interval, with counts, not once per call", async () => {
    const { guard, clock, logged } = guarded();
    for (let i = 0; i < 200; i++) {
      await guard.call(() => Promise.reject(timeout())).catch(() => undefined);
    }
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/^database 1: 1 calls failed/);
    clock.nowMs += REDIS_GUARD_LIMITS.logIntervalMs;
    expect(await guard.call(async () => "OK")).toBe("OK");
    expect(logged).toHaveLength(2);
    // The rest: the misses before the breaker opened, then the calls it refused unsent.
    expect(logged[1]).toMatch(
      new RegExp(
        `^database 1: 199 calls failed in 10\\.0 s \\(${REDIS_GUARD_LIMITS.tripAfterMisses - 1} missed the deadline, 0 failed, ${200 - REDIS_GUARD_LIMITS.tripAfterMisses} refused unsent\\)`,
      ),
    );
    expect(logged[1]).not.toMatch(/\n\s+at /);
  });
});

describe("the command budget (commandsPerSec)", () => {
  it("sends a second's worth of commands, refuses the rest unsent with Retry-After 1, and refills", async () => {
    const { guard, clock, logged } = guarded({ commandsPerSec: 10 });
    const sent: number[] = [];
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        guard
          .call(async () => sent.push(i))
          .then(
            () => "sent",
            (error: unknown) => error,
          ),
      ),
    );
    expect(sent).toHaveLength(10);
    const refused = outcomes.filter((o) => o !== "sent") as StoreUnavailableError[];
    expect(refused).toHaveLength(10);
    for (const error of refused) {
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error.counted).toBe(true);
      expect(error.retryAfterSec).toBe(1);
    }
    // 10 refusals, one log line, no stack; the breaker stays closed: the database is fine.
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/over its command budget, not sent/);
    expect(guard.state).toBe("closed");
    // Half a second later, half a second's worth: 5 commands, a call of 3 then one of 2.
    clock.nowMs += 500;
    await expect(guard.call(async () => "a", 3)).resolves.toBe("a");
    await expect(guard.call(async () => "b", 2)).resolves.toBe("b");
    await expect(guard.call(async () => "c")).rejects.toThrow(StoreUnavailableError);
  });

  it("counts commands, not calls: a pipeline of 5 costs 5", async () => {
    const { guard, clock } = guarded({ commandsPerSec: 10 });
    await expect(guard.call(async () => "first five", 5)).resolves.toBe("first five");
    await expect(guard.call(async () => "next five", 5)).resolves.toBe("next five");
    // Counted in calls, this one would have gone: 2 calls of a budget of 10.
    await expect(guard.call(async () => "one more", 5)).rejects.toThrow(StoreUnavailableError);
    clock.nowMs += 400;
    // 4 commands refilled: a call of 5 still waits, a call of 4 goes.
    await expect(guard.call(async () => "five", 5)).rejects.toThrow(StoreUnavailableError);
    await expect(guard.call(async () => "four", 4)).resolves.toBe("four");
  });

  it("sends a call larger than the whole budget once the bucket is full, then repays it before anything else goes", async () => {
    const { guard, clock } = guarded({ commandsPerSec: 10 });
    await expect(guard.call(async () => "platform totals", 25)).resolves.toBe("platform totals");
    // 15 commands in debt: after 1.5 s the bucket is back at 0, after 1.6 s 1 command is there.
    clock.nowMs += 1_500;
    await expect(guard.call(async () => "too soon")).rejects.toThrow(StoreUnavailableError);
    clock.nowMs += 100;
    await expect(guard.call(async () => "repaid")).resolves.toBe("repaid");
    // Not while the bucket is anything but full.
    clock.nowMs += 900;
    await expect(guard.call(async () => "again", 25)).rejects.toThrow(StoreUnavailableError);
    clock.nowMs += 100;
    await expect(guard.call(async () => "again", 25)).resolves.toBe("again");
  });

  it("takes nothing when the clock steps back (a test clock, or a corrected one)", async () => {
    const { guard, clock } = guarded({ commandsPerSec: 1_000_000_000 });
    await expect(guard.call(async () => "before")).resolves.toBe("before");
    // Once, this drained the bucket by a billion commands per millisecond stepped back.
    clock.nowMs -= 60_000;
    await expect(guard.call(async () => "after")).resolves.toBe("after");
  });

  it("is not applied without shedLoad or without a rate", async () => {
    for (const options of [{ shedLoad: false, commandsPerSec: 1 }, {}]) {
      const { guard } = guarded(options);
      for (let i = 0; i < 5; i++) await expect(guard.call(async () => i)).resolves.toBe(i);
    }
  });
});

describe("isDeadlineMiss", () => {
  it("finds the timeout at any depth, and nothing else", () => {
    expect(isDeadlineMiss(timeout())).toBe(true);
    expect(isDeadlineMiss(new Error("wrapped", { cause: timeout() }))).toBe(true);
    expect(isDeadlineMiss(new TypeError("fetch failed"))).toBe(false);
    expect(isDeadlineMiss("TimeoutError")).toBe(false);
  });
});
