/**
 * Sync runs that overlap or die: two and three concurrent runs write each window once; a run
 * killed between its DynamoDB write and marking the windows synced in Redis holds the lock
 * until it expires, and the next run finds the windows whole in DynamoDB (the ledger: their
 * snapshots) and only marks them synced, so nothing is written or counted twice.
 */

import { windowIndex, windowStartMs } from "@viewer-presence/shared/windows";
import { describe, expect, it } from "vitest";
import type { SyncRedis } from "../../sync/sync-redis";
import { windowAwaitingSync } from "../watched-slots";
import { useFaultHarness, viewers } from "./harness";
import { watchKeyWindowMs } from "./ledger";

const stageIds: string[] = [];
const fault = useFaultHarness(async (h) => {
  for (let i = 0; i < 3; i++) stageIds.push(await h.createStage());
});

async function expectLedger() {
  const openFromMs = windowStartMs(windowIndex(fault.h.clock.nowMs));
  for (const stageId of stageIds) {
    expect(await fault.h.stored(stageId), stageId).toEqual(
      fault.h.ledger.acknowledged(stageId, (key) => watchKeyWindowMs(key) < openFromMs),
    );
  }
}

describe("sync runs that overlap or die", () => {
  it.each([2, 3])(
    "%i concurrent runs: one writes, the others skip, each window once",
    async (n) => {
      expect((await fault.h.watchWindow(stageIds, viewers(8))).every((s) => s === 200)).toBe(true);
      const runs = await Promise.all(Array.from({ length: n }, () => fault.h.sync()));
      expect(runs.map((run) => run.error)).toEqual(runs.map(() => undefined));
      const reports = runs.map((run) => run.report!);
      expect(reports.filter((report) => report.skipped === "locked")).toHaveLength(n - 1);
      expect(reports.map((report) => report.windows).reduce((a, b) => a + b, 0)).toBe(3);
      await expectLedger();
    },
  );

  it("killed between its DynamoDB write and its Redis mark: the next run finds them written, nothing twice", async () => {
    expect((await fault.h.watchWindow(stageIds, viewers(8))).every((s) => s === 200)).toBe(true);
    const window = windowIndex(fault.h.clock.nowMs) - 1;
    let died!: () => void;
    const reachedDelete = new Promise<void>((resolve) => {
      died = resolve;
    });
    // The run "dies" where it would mark the batch synced (SADD bsy): DynamoDB has confirmed the
    // batch, Redis still has it as unsynced.
    // A promise that never settles is a process that is gone: no unlock, no further call.
    const dying = (real: SyncRedis): SyncRedis =>
      new Proxy(real, {
        get(target, property, receiver) {
          if (property === "sadd") {
            return () => {
              died();
              return new Promise(() => {});
            };
          }
          const value = Reflect.get(target, property, receiver);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
    const lockTtlMs = 1_000;
    void fault.h.tappedSync({ redis: dying }, { lockTtlMs });
    await reachedDelete;
    expect(await fault.h.stored(stageIds[0]!)).not.toEqual(new Map());
    const held = await fault.h.sync();
    expect(held.report?.skipped).toBe("locked");
    for (const stageId of stageIds)
      expect(await windowAwaitingSync(fault.h.redis, fault.h.keys, stageId, window)).toBe(true);

    // Once the dead run's lock expired, the next run takes the work again.
    await new Promise((resolve) => setTimeout(resolve, lockTtlMs + 100));
    const next = await fault.h.sync();
    expect(next.error).toBeUndefined();
    expect(next.report).toMatchObject({ windows: 0, alreadySynced: 3 });
    for (const stageId of stageIds)
      expect(await windowAwaitingSync(fault.h.redis, fault.h.keys, stageId, window)).toBe(false);
    await expectLedger();
  });
});
