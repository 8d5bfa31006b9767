/**
 * Redis killed (SIGKILL) and restarted empty on the same port, the Upstash endpoint left
 * running: heartbeats answer 503 while it is down, count again once it is back with nothing
 * else restarted, and the watch time lost is exactly the acknowledged heartbeats of the window
 * that was not synced yet: the recovery point.
 */

import { VIEWER_ROUTE_DEADLINES } from "@viewer-presence/shared/deadlines";
import { WINDOW_MS, windowIndex, windowStartMs } from "@viewer-presence/shared/windows";
import { describe, expect, it } from "vitest";
import { SLACK_MS, useFaultHarness, viewers } from "./harness";
import { watchKeyWindowMs } from "./ledger";

const fault = useFaultHarness();

describe("Redis killed and restarted empty", () => {
  it("loses only the acknowledged watch time of the window not yet synced", async () => {
    const stageId = await fault.h.createStage();
    const audience = viewers(10);
    const synced = windowIndex(fault.h.clock.nowMs);

    // A whole window, synced as the cron would.
    expect((await fault.h.watchWindow([stageId], audience)).every((s) => s === 200)).toBe(true);
    expect((await fault.h.sync()).report?.windows).toBe(1);

    // Half of the next window: acknowledged, but only in Redis.
    const lostWindow = synced + 1;
    while (fault.h.clock.nowMs < windowStartMs(lostWindow) + 150_000) {
      expect((await fault.h.beatAll(stageId, audience)).every((b) => b.status === 200)).toBe(true);
      fault.h.advance(30_000);
    }

    await fault.stack.redis.kill();
    const down = await fault.h.beatAll(stageId, audience);
    for (const beat of down) {
      expect(beat.status, beat.body).toBe(503);
      expect(beat.retryAfter).toBe("5");
      expect(beat.ms).toBeLessThan(VIEWER_ROUTE_DEADLINES.redis.timeoutMs + SLACK_MS);
    }
    console.info(
      `redis killed: heartbeats answered 503 in at most ${Math.max(...down.map((b) => b.ms)).toFixed(0)} ms`,
    );

    // Back, empty, on the same port; the proxy reconnects; the app is the same one.
    await fault.stack.redis.restart();
    fault.h.advance(5_000);
    const back = await fault.h.beatAll(stageId, audience);
    expect(back.map((b) => b.status)).toEqual(audience.map(() => 200));
    console.info(
      `redis restarted empty: first heartbeats answered ${back.map((b) => JSON.parse(b.body).viewers).join(",")} viewers`,
    );
    fault.h.advance(25_000);
    expect((await fault.h.watchWindow([stageId], audience)).every((s) => s === 200)).toBe(true);
    const run = await fault.h.sync();
    expect(run.error).toBeUndefined();
    expect(run.report?.restored?.stages).toBeGreaterThanOrEqual(1);

    // Ledger: the synced window whole; of the lost window, only what came after the restart.
    const stored = await fault.h.stored(stageId);
    const acked = fault.h.ledger.acknowledged(stageId);
    const lost = new Map<string, number>();
    for (const [key, seconds] of acked) {
      const kept = stored.get(key) ?? 0;
      if (kept !== seconds) lost.set(key, seconds - kept);
    }
    for (const [key, seconds] of stored) expect(seconds).toBeLessThanOrEqual(acked.get(key) ?? 0);
    expect(
      [...lost.keys()].every((key) => watchKeyWindowMs(key) === windowStartMs(lostWindow)),
    ).toBe(true);
    expect([...lost.values()]).toEqual(audience.map(() => 150));
    expect([...stored].filter(([key]) => watchKeyWindowMs(key) === windowStartMs(synced))).toEqual(
      [...acked].filter(([key]) => watchKeyWindowMs(key) === windowStartMs(synced)),
    );
    const lostTotal = [...lost.values()].reduce((sum, s) => sum + s, 0);
    console.info(
      `redis data loss: ${lostTotal} acknowledged viewer-seconds lost (${audience.length} viewers x 150 s), all in the window open at the loss (${new Date(windowStartMs(lostWindow)).toISOString()}, ${WINDOW_MS / 1000} s long); every synced window intact`,
    );
  });
});
