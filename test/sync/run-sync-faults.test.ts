import { windowIndex } from "@viewer-presence/shared/windows";
import { describe, expect, it } from "vitest";
import { SyncRunError } from "../../sync/run-report";
import { windowAwaitingSync } from "../watched-slots";
import { faultyDb, faultyRedis, type SyncTestContext, syncTestContext, T0 } from "./harness";

const MIN = 60_000;
const W0 = windowIndex(T0);

/**
 * A closed window with `viewers` viewers, each watching the whole window (one 300 s slot, as
 * with a 300 s interval). Long viewer ids (email-like, 64 characters) make about 9 records an
 * item, so a few hundred viewers need several BatchWriteItem calls.
 */
async function fullWindow(t: SyncTestContext, stageId: string, viewers: number) {
  const ids = Array.from({ length: viewers }, (_, v) => viewerId(v));
  await t.markBitmapSlots(stageId, W0, ids, () => [0], 300);
}

const viewerId = (v: number) => `${String(v).padStart(6, "0")}.${"x".repeat(44)}@example.com`;

async function itemCount(t: SyncTestContext, stageId: string) {
  return (await t.snapshots(stageId)).length + (await t.viewingItems(stageId)).length;
}

describe("runSync under faults", () => {
  it("retries UnprocessedItems and writes everything", async () => {
    const t = syncTestContext();
    const stageId = t.stageId();
    await fullWindow(t, stageId, 300);
    t.clock.nowMs = T0 + 5 * MIN;
    // Count BatchWriteItem calls only: a restore's Queries may come first (the table is shared).
    let batchCalls = 0;
    const { db } = faultyDb(t.db, (command) =>
      command.constructor.name === "BatchWriteCommand" && ++batchCalls <= 4
        ? { unprocess: 7 }
        : "pass",
    );
    const report = await t.run({}, { db });
    expect(report.retries).toBeGreaterThan(0);
    expect(report.errors).toBeUndefined();
    expect(report.items).toBe(1 + report.viewingRecordItems);
    expect(await itemCount(t, stageId)).toBe(report.items);
    expect(await windowAwaitingSync(t.redis, t.keys, stageId, W0)).toBe(false);
    expect([...(await t.viewingSeconds(stageId)).values()].every((s) => s === 300)).toBe(true);
  });

  it("fails loudly on a persistent DynamoDB failure, keeps the hot data, and the next run finishes without duplicates", async () => {
    const t = syncTestContext();
    const stageId = t.stageId();
    await fullWindow(t, stageId, 300); // about 35 items: two BatchWriteItem calls
    t.clock.nowMs = T0 + 5 * MIN;
    let batchCalls = 0;
    const { db } = faultyDb(t.db, (command) =>
      command.constructor.name === "BatchWriteCommand" && ++batchCalls > 1 ? "fail" : "pass",
    );
    const error = await t.run({ write: { concurrency: 1 } }, { db }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncRunError);
    const failed = (error as SyncRunError).report;
    expect(failed.errors?.[0]).toMatch(/^windows: BatchWriteError/);
    expect(failed.items).toBe(25); // the first call got through
    expect(failed.windows).toBe(0);
    expect(JSON.parse(t.logs.at(-1)!)).toMatchObject({ event: "sync.run", errors: failed.errors });
    expect(await windowAwaitingSync(t.redis, t.keys, stageId, W0)).toBe(true);
    expect(await t.redis.exists(t.keys.syncLock())).toBe(0);

    const healthy = await t.run();
    expect(healthy).toMatchObject({ windows: 1, viewingRecords: 300 });
    expect(await itemCount(t, stageId)).toBe(healthy.items);
    expect((await t.viewingSeconds(stageId)).size).toBe(300);
    expect(await windowAwaitingSync(t.redis, t.keys, stageId, W0)).toBe(false);
  });

  it("finishes a run killed between the DynamoDB write and the Redis mark, without duplicates", async () => {
    const t = syncTestContext();
    const stageId = t.stageId();
    await fullWindow(t, stageId, 100);
    t.clock.nowMs = T0 + 5 * MIN;
    const killed = await t
      .run({}, { redis: faultyRedis(t.redis, new Set(["sadd"])) })
      .catch((e: unknown) => e);
    expect(killed).toBeInstanceOf(SyncRunError);
    const written = await itemCount(t, stageId);
    expect(written).toBeGreaterThan(1);
    expect(await windowAwaitingSync(t.redis, t.keys, stageId, W0)).toBe(true);

    // The ledger shows the window written whole: marked synced, nothing written again.
    const next = await t.run();
    expect(next).toMatchObject({ windows: 0, alreadySynced: 1, items: 0 });
    expect(await windowAwaitingSync(t.redis, t.keys, stageId, W0)).toBe(false);
    expect(await itemCount(t, stageId)).toBe(written);
    expect((await t.snapshots(stageId))[0]).toMatchObject({
      uniqueViewers: 100,
      watchSeconds: 30_000,
    });
  });

  it("keeps the window and skips the audit drain while DynamoDB is down", async () => {
    const t = syncTestContext();
    const stageId = t.stageId();
    await t.redis.sadd(t.keys.stages(), stageId);
    await t.heartbeat(stageId, "stale", T0);
    await t.redis.xadd(t.keys.audit(stageId), "*", { v: "stale", t: T0 });
    t.clock.nowMs = T0 + 5 * MIN;
    await t.redis.set(t.keys.marker(), "full");
    const { db } = faultyDb(t.db, () => "fail");
    const error = (await t.run({}, { db }).catch((e: unknown) => e)) as SyncRunError;
    expect(error.report).toMatchObject({ windows: 0, auditEvents: 0 });
    expect(await t.redis.xlen(t.keys.audit(stageId))).toBe(1);
    expect(await t.redis.smembers(t.keys.syncedWindows())).toEqual([]);
  });
});

describe("a window written part way, then Redis loses some of it", () => {
  it("deletes the parts the failed attempt wrote past the rerun's end: nothing twice", async () => {
    const t = syncTestContext();
    const stageId = t.stageId("partway");
    const viewers = Array.from({ length: 150 }, (_, i) => `viewer-${String(i).padStart(3, "0")}`);
    await t.markBitmapSlots(stageId, W0, viewers, () => [0]);
    t.clock.nowMs = T0 + 5 * MIN;
    // Small items (three records each): the records land, the write of the snapshot fails.
    const options = { maxItemBytes: 200 } as const;
    const { db } = faultyDb(t.db, (command) =>
      command.constructor.name === "BatchWriteCommand" &&
      JSON.stringify(command.input).includes('"type":"Snapshot"')
        ? "fail"
        : "pass",
    );
    await expect(t.run(options, { db })).rejects.toBeInstanceOf(SyncRunError);
    const partsBefore = (await t.viewingItems(stageId)).length;
    expect(partsBefore).toBeGreaterThan(0);
    expect(await t.snapshots(stageId)).toEqual([]);

    // Redis comes back without the first half's bits: the window now packs fewer viewers, the
    // second half's from the first part on, while the first attempt's later parts hold them too.
    const clear = t.redis.bitfield(t.keys.slotBitmap(stageId, W0, { offsetSec: 0, widthSec: 30 }));
    for (let i = 0; i < 75; i++) clear.set("u2", `#${i}`, 0);
    await clear.exec();

    const rerun = await t.run(options);
    expect(rerun.windows).toBe(1);
    const items = await t.viewingItems(stageId);
    const records = items.flatMap((item) => item.records as [string, number][]);
    expect(records.map(([viewer]) => viewer).sort()).toEqual(viewers.slice(75));
    expect(records.every(([, seconds]) => seconds === 30)).toBe(true);
    // Parts 0 to n-1, none left over from the first attempt.
    expect(items.map((item) => Number(String(item.sk).slice(-3))).sort((a, b) => a - b)).toEqual(
      items.map((_, part) => part),
    );
    expect((await t.snapshots(stageId))[0]).toMatchObject({ uniqueViewers: 75 });
  });
});

describe("a window too large for one run", () => {
  it("is resumed where the last run stopped, and written exactly once in the end", async () => {
    const t = syncTestContext();
    const stageId = t.stageId("resume");
    const viewers = Array.from({ length: 120 }, (_, i) => `viewer-${String(i).padStart(3, "0")}`);
    const offsetsOf = (i: number) => Array.from({ length: (i % 10) + 1 }, (_, k) => k * 30);
    await t.markBitmapSlots(stageId, W0, viewers, offsetsOf);
    t.clock.nowMs = T0 + 5 * MIN;
    // Small rounds, small items and a write every 3 items: many saved steps. Each run's fourth
    // BatchWriteItem fails, as a run stopped by its deadline or killed would.
    const options = { chunkViewers: 7, maxItemBytes: 200, flushItems: 3 } as const;
    const stoppingDb = () => {
      let writes = 0;
      return faultyDb(t.db, (command) =>
        command.constructor.name === "BatchWriteCommand" && ++writes === 4 ? "fail" : "pass",
      ).db;
    };
    let runs = 0;
    let left = true;
    while (left && runs < 30) {
      runs++;
      await t.run(options, { db: stoppingDb() }).catch((error: unknown) => {
        if (!(error instanceof SyncRunError)) throw error;
      });
      left = await windowAwaitingSync(t.redis, t.keys, stageId, W0);
    }
    expect(runs).toBeGreaterThan(2); // it did not fit one run
    expect(left).toBe(false);

    // Every viewer exactly once, with their seconds; the snapshot's totals over all the runs.
    const records = (await t.viewingItems(stageId)).flatMap(
      (item) => item.records as [string, number][],
    );
    expect(records.map(([viewer]) => viewer).sort()).toEqual(viewers);
    for (const [viewer, seconds] of records) {
      expect(seconds).toBe(((Number(viewer.slice(-3)) % 10) + 1) * 30);
    }
    const [snapshot] = await t.snapshots(stageId);
    expect(snapshot).toMatchObject({
      uniqueViewers: 120,
      watchSeconds: records.reduce((sum, [, seconds]) => sum + seconds, 0),
      slotViewers: [120, 108, 96, 84, 72, 60, 48, 36, 24, 12],
    });
  });
});
