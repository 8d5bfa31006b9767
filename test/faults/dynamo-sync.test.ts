/**
 * DynamoDB stalled (SIGSTOP) and killed during sync runs: a run ends within its deadlines,
 * releases its lock, deletes from Redis only the windows DynamoDB confirmed, and the next run
 * finishes the work; heartbeats never notice. Ledger check after each.
 */

import { windowIndex, windowStartMs } from "@viewer-presence/shared/windows";
import { describe, expect, it } from "vitest";
import { SyncRunError } from "../../sync/run-report";
import { windowAwaitingSync } from "../watched-slots";
import {
  type FaultHarness,
  SLACK_MS,
  TEST_SYNC_DEADLINES,
  useFaultHarness,
  viewers,
} from "./harness";
import { watchKeyWindowMs } from "./ledger";

const fault = useFaultHarness(async (h) => {
  // A first run restores the (empty) registry and marks Redis complete, as in a running system.
  const first = await h.sync();
  expect(first.error).toBeUndefined();
});

/** Three stages with a closed window each; returns their ids and that window. */
async function threeClosedWindows() {
  const stageIds = [
    await fault.h.createStage(),
    await fault.h.createStage(),
    await fault.h.createStage(),
  ];
  const window = windowIndex(fault.h.clock.nowMs);
  const statuses = await fault.h.watchWindow(stageIds, viewers(5));
  expect(statuses.every((status) => status === 200)).toBe(true);
  return { stageIds, window };
}

/** Ledger check over the closed windows (the open one is not synced yet). */
async function expectLedger(stageIds: readonly string[]) {
  const openFromMs = windowStartMs(windowIndex(fault.h.clock.nowMs));
  for (const stageId of stageIds) {
    expect(await fault.h.stored(stageId), stageId).toEqual(
      fault.h.ledger.acknowledged(stageId, (key) => watchKeyWindowMs(key) < openFromMs),
    );
  }
}

async function windowsLeftInRedis(stageIds: readonly string[], window: number) {
  const left = await Promise.all(
    stageIds.map((id) => windowAwaitingSync(fault.h.redis, fault.h.keys, id, window)),
  );
  return left.filter(Boolean).length;
}

describe("DynamoDB failing during a sync run", () => {
  it("stalled after the first window: the run ends within its call deadline, the next run finishes", async () => {
    const { stageIds, window } = await threeClosedWindows();
    let writes = 0;
    const run = await fault.h.tappedSync(
      {
        // The first window's two writes: its records, then its snapshot (the stages' unsettled
        // marks are read before them, by a Query).
        afterDynamo: (command) => {
          if (command === "BatchWriteCommand" && ++writes === 2) fault.stack.dynamo.stall();
        },
      },
      { batchWindows: 1 },
    );
    // Heartbeats never touch DynamoDB: they count on while it is stalled.
    const during = await fault.h.beatAll(stageIds[0]!, viewers(5));
    fault.stack.dynamo.resume();
    expect(during.every((beat) => beat.status === 200)).toBe(true);

    expect(run.error).toBeInstanceOf(SyncRunError);
    const report = (run.error as SyncRunError).report;
    expect(report.windows).toBe(1);
    expect(report.errors?.join("\n")).toMatch(/^windows: /m);
    expect(run.ms).toBeLessThan(TEST_SYNC_DEADLINES.dynamoMs + SLACK_MS);
    console.info(
      `dynamodb stalled mid-run: run failed after ${run.ms.toFixed(0)} ms (call deadline ${TEST_SYNC_DEADLINES.dynamoMs} ms); ${report.windows} of 3 windows written; errors: ${report.errors?.join(" | ")}`,
    );
    expect(await fault.h.redis.get(fault.h.keys.syncLock())).toBeNull();
    expect(await windowsLeftInRedis(stageIds, window)).toBe(2);

    const next = await fault.h.sync();
    expect(next.error).toBeUndefined();
    expect(next.report?.windows).toBe(2);
    expect(await windowsLeftInRedis(stageIds, window)).toBe(0);
    await expectLedger(stageIds);
    // The heartbeats sent while DynamoDB was stalled opened the next window: sync it too, so
    // the next test starts with nothing pending (its first window must be one of its own).
    fault.h.clock.nowMs = windowStartMs(windowIndex(fault.h.clock.nowMs) + 1) + 15_000;
    expect((await fault.h.sync()).error).toBeUndefined();
    await expectLedger(stageIds);
  });

  it("killed after the first window and restarted: what it confirmed survives, the next run writes the rest", async () => {
    const { stageIds, window } = await threeClosedWindows();
    let writes = 0;
    const run = await fault.h.tappedSync(
      {
        // The first window's two writes: its records, then its snapshot (the stages' unsettled
        // marks are read before them, by a Query).
        afterDynamo: async (command) => {
          if (command === "BatchWriteCommand" && ++writes === 2) await fault.stack.dynamo.kill();
        },
      },
      { batchWindows: 1 },
    );
    expect(run.error).toBeInstanceOf(SyncRunError);
    const report = (run.error as SyncRunError).report;
    expect(report.windows).toBe(1);
    expect(run.ms).toBeLessThan(TEST_SYNC_DEADLINES.dynamoMs + SLACK_MS);
    console.info(
      `dynamodb killed mid-run: run failed after ${run.ms.toFixed(0)} ms; ${report.windows} of 3 windows written; errors: ${report.errors?.join(" | ")}`,
    );
    expect(await fault.h.redis.get(fault.h.keys.syncLock())).toBeNull();
    expect(await windowsLeftInRedis(stageIds, window)).toBe(2);

    // While it is down, runs fail fast and take nothing from Redis.
    const down = await fault.h.sync();
    expect(down.error).toBeInstanceOf(SyncRunError);
    expect(await windowsLeftInRedis(stageIds, window)).toBe(2);

    await fault.stack.dynamo.restart();
    const next = await fault.h.sync();
    expect(next.error).toBeUndefined();
    expect(await windowsLeftInRedis(stageIds, window)).toBe(0);
    await expectLedger(stageIds);
  });

  it("stalled past the whole-run deadline: calls in flight are aborted, the lock released", async () => {
    const { stageIds, window } = await threeClosedWindows();
    fault.stack.dynamo.stall();
    // A call deadline longer than the run's: only the run's deadline can end this run.
    const runMs = 1_500;
    let run: Awaited<ReturnType<FaultHarness["tappedSync"]>>;
    try {
      run = await fault.h.tappedSync({ deadlines: { dynamoMs: 30_000, runMs } });
    } finally {
      fault.stack.dynamo.resume();
    }
    expect(run.error).toBeInstanceOf(SyncRunError);
    const report = (run.error as SyncRunError).report;
    expect(run.ms).toBeGreaterThanOrEqual(runMs - 50);
    expect(run.ms).toBeLessThan(runMs + SLACK_MS);
    console.info(
      `dynamodb stalled, run deadline ${runMs} ms: run failed after ${run.ms.toFixed(0)} ms; errors: ${report.errors?.join(" | ")}`,
    );
    expect(report.windows).toBe(0);
    expect(await fault.h.redis.get(fault.h.keys.syncLock())).toBeNull();
    expect(await windowsLeftInRedis(stageIds, window)).toBe(3);

    const next = await fault.h.sync();
    expect(next.error).toBeUndefined();
    expect(await windowsLeftInRedis(stageIds, window)).toBe(0);
    await expectLedger(stageIds);
  });
});
