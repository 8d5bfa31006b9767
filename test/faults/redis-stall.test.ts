/**
 * Redis stalled (SIGSTOP) under heartbeats: every heartbeat answers 503 problem+json with
 * Retry-After within the viewer routes' deadline, never a fake success, and heartbeats count
 * again after SIGCONT with nothing restarted; the ledger check holds.
 */

import { Redis } from "@upstash/redis";
import { createRedis } from "@viewer-presence/shared/clients";
import { VIEWER_ROUTE_DEADLINES } from "@viewer-presence/shared/deadlines";
import { WINDOW_MS, windowIndex, windowStartMs } from "@viewer-presence/shared/windows";
import { describe, expect, it } from "vitest";
import { SyncRunError } from "../../sync/run-report";
import { createHarness } from "../in-process/harness";
import { windowAwaitingSync } from "../watched-slots";
import {
  type FaultHarness,
  SLACK_MS,
  TEST_SYNC_DEADLINES,
  useFaultHarness,
  viewers,
} from "./harness";

const HEARTBEAT_DEADLINE_MS = VIEWER_ROUTE_DEADLINES.redis.timeoutMs;

const fault = useFaultHarness();

describe("Redis stalled (SIGSTOP)", () => {
  it("@upstash/redis fakes a success when given a signal, and throws when given a function", async () => {
    const options = {
      url: fault.stack.env.UPSTASH_REDIS_REST_URL,
      token: fault.stack.env.UPSTASH_REDIS_REST_TOKEN,
      enableAutoPipelining: false,
      retry: false as const,
    };
    fault.stack.redis.stall();
    try {
      // The trap: an aborted static signal resolves a command as if Redis had answered it.
      const trap = new Redis({ ...options, signal: AbortSignal.timeout(200) });
      const faked = await trap.set("faults:trap", "1");
      expect(faked).not.toBe("OK");
      console.info(
        `a static signal resolved SET, never sent to Redis, with ${JSON.stringify(faked)}`,
      );
      // What createRedis does: a function, called per request; the abort is thrown.
      const safe = new Redis({ ...options, signal: () => AbortSignal.timeout(200) });
      await expect(safe.set("faults:safe", "1")).rejects.toThrow();
      const ours = createRedis(fault.h.config, { timeoutMs: 200 });
      await expect(ours.set("faults:ours", "1")).rejects.toThrow();
    } finally {
      fault.stack.redis.resume();
    }
  });

  it("answers 503 on the single-command paths too (a new isolate's script, leave), never a fake success", async () => {
    const stageId = await fault.h.createStage();
    const token = await fault.h.token("viewer", stageId);
    // A new isolate knows no stage: its heartbeat is one EVAL, a single command, not a pipeline.
    const fresh = createHarness({ bindings: { ...fault.h.env } });
    fault.stack.redis.stall();
    let answers: Response[];
    try {
      answers = await Promise.all([fresh.heartbeat(stageId, token), fresh.leave(stageId, token)]);
    } finally {
      fault.stack.redis.resume();
    }
    for (const answer of answers) {
      expect(answer.status).toBe(503);
      expect(answer.headers.get("retry-after")).toBe("5");
    }
    expect((await fresh.heartbeat(stageId, token)).status).toBe(200);
  });

  it("answers every heartbeat 503 + Retry-After within the deadline, and counts again after SIGCONT", async () => {
    const stageId = await fault.h.createStage();
    const audience = viewers(20);
    const window = windowIndex(fault.h.clock.nowMs);
    expect((await fault.h.beatAll(stageId, audience)).map((b) => b.status)).toEqual(
      audience.map(() => 200),
    );

    fault.h.advance(30_000);
    fault.stack.redis.stall();
    let stalled: Awaited<ReturnType<FaultHarness["beatAll"]>>;
    let reads: Response[];
    try {
      stalled = await fault.h.beatAll(stageId, audience);
      reads = await Promise.all([
        fault.h.request(`/v1/stages/${stageId}/viewers`),
        fault.h.request("/health"),
      ]);
    } finally {
      fault.stack.redis.resume();
    }
    for (const beat of stalled) {
      expect(beat.status, beat.body).toBe(503);
      expect(beat.retryAfter).toBe("5");
      expect(beat.type).toBe("application/problem+json");
      expect(beat.body).toContain("/problems/store_unavailable");
      expect(beat.ms).toBeGreaterThanOrEqual(HEARTBEAT_DEADLINE_MS - 50);
      expect(beat.ms).toBeLessThan(HEARTBEAT_DEADLINE_MS + SLACK_MS);
    }
    for (const read of reads) {
      expect(read.status).toBe(503);
      expect(read.headers.get("retry-after")).toBe("5");
    }
    const slowest = Math.max(...stalled.map((b) => b.ms));
    console.info(
      `redis stalled: ${stalled.length} heartbeats answered 503 in ${Math.min(...stalled.map((b) => b.ms)).toFixed(0)}-${slowest.toFixed(0)} ms (deadline ${HEARTBEAT_DEADLINE_MS} ms)`,
    );

    // SIGCONT, nothing restarted: the retries (Retry-After 5 s) of half the viewers count; the
    // other half do not retry and beat again only at the next slot. The 20 deadline misses
    // opened the database's breaker (edge/redis-guard.ts): the first retry after its cool-down
    // is the probe that closes it, then the others go.
    fault.h.advance(5_000);
    const [probe, ...retrying] = audience.slice(0, audience.length / 2);
    const probed = await fault.h.beat(stageId, probe!);
    expect(probed.status).toBe(200);
    expect(JSON.parse(probed.body).viewers).toBe(audience.length);
    const retried = await fault.h.beatAll(stageId, retrying);
    expect(retried.map((b) => b.status)).toEqual(retrying.map(() => 200));

    // The rest of the window as usual, then the sync job once the window closed.
    while (fault.h.clock.nowMs + 30_000 < windowStartMs(window + 1)) {
      fault.h.advance(30_000);
      expect((await fault.h.beatAll(stageId, audience)).every((b) => b.status === 200)).toBe(true);
    }
    fault.h.clock.nowMs = windowStartMs(window) + WINDOW_MS + 15_000;
    const run = await fault.h.sync();
    expect(run.error).toBeUndefined();
    expect(await windowAwaitingSync(fault.h.redis, fault.h.keys, stageId, window)).toBe(false);

    // Ledger: every acknowledged slot once. A 503 tells the viewer nothing about the write:
    // the stalled Redis ran those writes once it ran again, so the viewers who did not retry
    // are credited that slot too (the ones who retried marked the same slot once).
    const stored = await fault.h.stored(stageId);
    const acked = fault.h.ledger.acknowledged(stageId);
    const possible = fault.h.ledger.possible(stageId);
    expect([...stored.keys()]).toEqual([...acked.keys()]);
    for (const [key, seconds] of stored) {
      expect(seconds).toBeGreaterThanOrEqual(acked.get(key)!);
      expect(seconds).toBeLessThanOrEqual(possible.get(key)!);
    }
    const credited503 = [...stored].filter(([key, seconds]) => seconds > acked.get(key)!);
    expect(credited503.map(([key]) => key.split("@")[0])).toEqual(
      audience.slice(retrying.length + 1),
    );
    console.info(
      `ledger: ${fault.h.ledger.count()} acknowledged heartbeats all stored once; ${credited503.length} viewers also credited the 30 s slot of a 503 (its write ran when Redis resumed)`,
    );
  });

  it("ends a sync run within its Redis call deadline, and leaves no lock behind", async () => {
    fault.stack.redis.stall();
    let run: Awaited<ReturnType<FaultHarness["sync"]>>;
    try {
      run = await fault.h.sync();
    } finally {
      fault.stack.redis.resume();
    }
    expect(run.error).toBeInstanceOf(SyncRunError);
    expect(run.ms).toBeLessThan(TEST_SYNC_DEADLINES.redisMs * 2 + SLACK_MS);
    console.info(
      `redis stalled: sync run failed after ${run.ms.toFixed(0)} ms: ${(run.error as SyncRunError).report.errors?.join(" | ")}`,
    );
    // The lock's SET timed out, yet Redis ran it once it ran again: the run released it too.
    const next = await fault.h.sync();
    expect(next.error).toBeUndefined();
    expect(next.report?.skipped).toBeUndefined();
  });
});
