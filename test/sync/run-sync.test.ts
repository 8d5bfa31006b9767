import { epochAt, epochEndMs } from "@viewer-presence/shared/slot-bitmaps";
import { windowIndex } from "@viewer-presence/shared/windows";
import { describe, expect, it } from "vitest";
import { rollUpHour } from "../../sync/history/hour-rollups";
import { batchWrite } from "../../sync/windows/batch-write";
import { summarizeViewers } from "../../sync/windows/window-accumulator";
import { unpackedViewingRecords } from "../../sync/windows/window-items";
import { createHarness } from "../in-process/harness";
import { syncTestContext, T0 } from "./harness";

const SEC = 1000;
const MIN = 60 * SEC;

describe("runSync", () => {
  it("turns heartbeats into one snapshot and packed viewing records per closed window, once", async () => {
    const h = createHarness();
    const t = syncTestContext({ REDIS_KEY_PREFIX: h.env.REDIS_KEY_PREFIX! });
    const stageId = await h.createStage();
    const [amy, bob, cat] = await Promise.all(
      ["amy", "bob", "cat"].map((v) => h.token(v, stageId)),
    );
    // Window 12:00-12:05. amy beats all along (10 slots), bob for 3 slots, cat from two tabs
    // for 4 slots (every beat sent twice).
    for (let k = 0; k < 10; k++) {
      h.clock.nowMs = T0 + k * 30 * SEC;
      expect((await h.heartbeat(stageId, amy!)).status).toBe(200);
      if (k < 3) expect((await h.heartbeat(stageId, bob!)).status).toBe(200);
      if (k < 4) {
        expect((await h.heartbeat(stageId, cat!)).status).toBe(200);
        expect((await h.heartbeat(stageId, cat!)).status).toBe(200);
      }
    }
    // 12:05:10: amy is still watching, in the window that is now open.
    h.clock.nowMs = T0 + 5 * MIN;
    expect((await h.heartbeat(stageId, amy!)).status).toBe(200);

    t.clock.nowMs = T0 + 5 * MIN;
    const first = await t.run();
    expect(first).toMatchObject({
      stages: 1,
      windows: 1,
      snapshots: 1,
      viewingRecordItems: 1,
      viewingRecords: 3,
      items: 2,
      // The snapshot and the records item; and the ledger's watermark, raised over the window.
      writeUnits: 3,
      retries: 0,
    });
    // Redis had no marker "full" (a new deployment), so the run restored the registry first.
    expect(first.restored?.stages).toBeGreaterThanOrEqual(1);
    expect(first.errors).toBeUndefined();
    expect(await t.snapshots(stageId)).toEqual([
      {
        pk: `STAGE#${stageId}`,
        sk: "SNAPSHOT#2026-11-27T12:00:00.000Z",
        type: "Snapshot",
        stageId,
        windowStart: "2026-11-27T12:00:00.000Z",
        windowEnd: "2026-11-27T12:05:00.000Z",
        takenAt: "2026-11-27T12:05:10.000Z",
        viewerCount: 1,
        uniqueViewers: 3,
        watchSeconds: 300 + 90 + 120,
        // Per 30 s: all three in the first three slots, amy and cat in the fourth, then amy.
        slotViewers: [3, 3, 3, 2, 1, 1, 1, 1, 1, 1],
        peakViewers: 3,
        averageViewers: 1.7,
        // The app ran without Cloudflare in front: no country, no User-Agent.
        countries: { unknown: [3, 510] },
        devices: { other: [3, 510] },
        ttl: Math.floor((T0 + 5 * MIN) / 1000) + 30 * 86_400,
      },
    ]);
    expect(await t.viewingItems(stageId)).toEqual([
      {
        pk: `VIEWS#${stageId}`,
        sk: "2026-11-27T12:00:00.000Z#000",
        type: "ViewingRecords",
        stageId,
        windowStart: "2026-11-27T12:00:00.000Z",
        records: [
          ["amy", 300],
          ["bob", 90],
          ["cat", 120],
        ],
      },
    ]);
    // The closed window's hot data is gone; the open one is untouched.
    const w0 = windowIndex(T0);
    // The synced window's bitmaps stay for the live count, marked synced; the open one is kept.
    expect(await t.redis.sismember(t.keys.syncedWindows(), `${stageId}:${w0}`)).toBe(1);
    const firstSlot = { offsetSec: 0, widthSec: 30 };
    expect(await t.redis.exists(t.keys.slotBitmap(stageId, w0 + 1, firstSlot))).toBe(1);

    // A second run in the same window finds nothing to do and duplicates nothing.
    const second = await t.run();
    expect(second).toMatchObject({ windows: 0, items: 0, writeUnits: 0 });
    expect(await t.snapshots(stageId)).toHaveLength(1);
    expect(await t.viewingItems(stageId)).toHaveLength(1);

    // Once the next window closes, it is synced too: amy's watch time adds up. The ledger costs
    // what it costs every run from now on: one read (its watermark), one write (raising it), and
    // nothing for the window, which is above the watermark.
    t.clock.nowMs = T0 + 10 * MIN;
    expect(await t.run()).toMatchObject({
      windows: 1,
      snapshots: 1,
      viewingRecords: 1,
      items: 2,
      writeUnits: 3,
      ledgerReadUnits: 1,
    });
    expect(await t.snapshots(stageId)).toHaveLength(2);
    expect(Object.fromEntries(await t.viewingSeconds(stageId))).toEqual({
      amy: 330,
      bob: 90,
      cat: 120,
    });

    // One structured line per run.
    expect(t.logs).toHaveLength(3);
    expect(JSON.parse(t.logs[0]!)).toMatchObject({ event: "sync.run", runId: first.runId });
  });

  it("never syncs the open window, nor one closed less than the grace ago", async () => {
    const t = syncTestContext();
    const stageId = t.stageId();
    await t.heartbeat(stageId, "amy", T0);
    t.clock.nowMs = T0 + 4 * MIN; // 12:04:10, window open
    expect(await t.run()).toMatchObject({ windows: 0, items: 0 });
    t.clock.nowMs = T0 + 5 * MIN - 5 * SEC; // 12:05:05, closed 5 s ago
    expect(await t.run()).toMatchObject({ windows: 0, items: 0 });
    expect(await t.snapshots(stageId)).toEqual([]);
    t.clock.nowMs = T0 + 5 * MIN; // 12:05:10
    expect(await t.run()).toMatchObject({ windows: 1 });
  });

  it("syncs at most maxWindows a run, oldest first, and leaves the rest for the next", async () => {
    const t = syncTestContext();
    const stageId = t.stageId();
    for (let w = 0; w < 3; w++) await t.heartbeat(stageId, "amy", T0 + w * 5 * MIN);
    t.clock.nowMs = T0 + 15 * MIN;
    expect(await t.run({ maxWindows: 2 })).toMatchObject({ windows: 2, deferredWindows: 1 });
    expect((await t.snapshots(stageId)).map((s) => s.windowStart)).toEqual([
      "2026-11-27T12:00:00.000Z",
      "2026-11-27T12:05:00.000Z",
    ]);
    expect(await t.run({ maxWindows: 2 })).toMatchObject({ windows: 1, deferredWindows: 0 });
    expect(await t.snapshots(stageId)).toHaveLength(3);
  });

  it("lets exactly one of two concurrent runs sync; the other reports skipped", async () => {
    const t = syncTestContext();
    const stageId = t.stageId();
    for (const viewer of ["a", "b", "c"]) await t.heartbeat(stageId, viewer, T0);
    t.clock.nowMs = T0 + 5 * MIN;
    const reports = await Promise.all([t.run(), t.run()]);
    expect(reports.filter((r) => r.skipped === "locked")).toHaveLength(1);
    expect(reports.filter((r) => r.skipped === undefined && r.windows === 1)).toHaveLength(1);
    expect(await t.snapshots(stageId)).toHaveLength(1);
    // The winner released the lock: the next run is not skipped.
    expect((await t.run()).skipped).toBeUndefined();
    expect(await t.redis.exists(t.keys.syncLock())).toBe(0);
  });

  it("drops an ended hour's viewer index once its windows are synced and past the TTL", async () => {
    const t = syncTestContext();
    const stageId = t.stageId();
    await t.heartbeat(stageId, "viewer", T0);
    const epoch = epochAt(T0);
    // The window is synced, but its epoch (hour) has not ended: the index stays.
    t.clock.nowMs = T0 + 5 * MIN;
    expect(await t.run()).toMatchObject({ windows: 1, droppedIndexes: 0 });
    expect(await t.redis.exists(t.keys.viewerIndex(stageId, epoch))).toBe(1);
    // An hour later the epoch has ended and the window's bitmaps are gone: the index goes.
    t.clock.nowMs = epochEndMs(epoch) + 5 * MIN;
    expect(await t.run()).toMatchObject({ windows: 0, droppedIndexes: 1 });
    expect(await t.redis.exists(t.keys.viewerIndex(stageId, epoch))).toBe(0);
    expect(await t.redis.exists(t.keys.viewerList(stageId, epoch))).toBe(0);
  });

  it("closes at most maxHoursPerRun ended hours a run, oldest first; the next run closes the rest", async () => {
    const t = syncTestContext();
    const stages = [t.stageId(), t.stageId(), t.stageId()];
    for (const stageId of stages) await t.heartbeat(stageId, "viewer", T0);
    const epoch = epochAt(T0);
    t.clock.nowMs = T0 + 5 * MIN;
    expect(await t.run()).toMatchObject({ windows: 3, droppedIndexes: 0 });
    t.clock.nowMs = epochEndMs(epoch) + 5 * MIN;
    expect(await t.run({ maxHoursPerRun: 2 })).toMatchObject({ droppedIndexes: 2 });
    const left = await Promise.all(
      stages.map((stageId) => t.redis.exists(t.keys.viewerIndex(stageId, epoch))),
    );
    expect(left.filter((exists) => exists === 1)).toHaveLength(1);
    expect(await t.run({ maxHoursPerRun: 2 })).toMatchObject({ droppedIndexes: 1 });
    for (const stageId of stages) {
      expect(await t.redis.exists(t.keys.viewerIndex(stageId, epoch))).toBe(0);
    }
  });

  it("rolls an ended hour up with its exact distinct viewers, and its day, rewriting never adding", async () => {
    const t = syncTestContext();
    const stageId = t.stageId();
    const epoch = epochAt(T0);
    // Two windows of one hour: `both` watches in each (one distinct viewer, 60 s), `de` in the
    // first, `us` in the second.
    await t.heartbeat(stageId, "both", T0);
    await t.heartbeat(stageId, "de", T0 + 30_000, 30, "DE|m");
    await t.heartbeat(stageId, "both", T0 + 5 * MIN);
    await t.heartbeat(stageId, "us", T0 + 5 * MIN + 60_000, 30, "US|d");
    t.clock.nowMs = T0 + 10 * MIN;
    expect(await t.run()).toMatchObject({ windows: 2 });
    t.clock.nowMs = epochEndMs(epoch) + 5 * MIN;
    // A run that rolled the hour up and died before dropping its index: the next run rolls it
    // up again, and the figures are the same, not doubled.
    await rollUpHour(
      { redis: t.redis, db: t.db, keys: t.keys, tableName: t.table },
      stageId,
      epoch,
    );
    expect(await t.run()).toMatchObject({ droppedIndexes: 1 });
    expect(await t.redis.exists(t.keys.hourBits(stageId, epoch))).toBe(0);

    const hourStart = new Date(epochEndMs(epoch) - 60 * MIN).toISOString();
    const expected = {
      hour: {
        sk: `HOUR#${hourStart}`,
        type: "HourRollup",
        uniqueViewers: 3,
        uniqueViewersExact: true,
        watchSeconds: 120,
        peakViewers: 1,
        parts: 2,
        countries: { unknown: [1, 60], DE: [1, 30], US: [1, 30] },
        devices: { other: [1, 60], mobile: [1, 30], desktop: [1, 30] },
      },
      day: {
        sk: `DAY#${hourStart.slice(0, 10)}`,
        type: "DayRollup",
        uniqueViewers: 3,
        uniqueViewersExact: false,
        watchSeconds: 120,
        peakViewers: 1,
        parts: 1,
      },
    };
    const rollups = async () => {
      const items = await t.query(`STAGE#${stageId}`);
      return {
        hour: items.find((item) => String(item.sk).startsWith("HOUR#")),
        day: items.find((item) => String(item.sk).startsWith("DAY#")),
      };
    };
    expect(await rollups()).toMatchObject(expected);
  });

  it("packs records into 1 KB items: far fewer write units than one item per record", async () => {
    const t = syncTestContext();
    const stageId = t.stageId();
    const w0 = windowIndex(T0);
    const viewers = Array.from({ length: 400 }, (_, i) => `user-${String(i).padStart(6, "0")}`);
    const offsetsOf = (i: number) => Array.from({ length: (i % 10) + 1 }, (_, slot) => slot * 30);
    await t.markBitmapSlots(stageId, w0, viewers, offsetsOf);
    t.clock.nowMs = T0 + 5 * MIN;
    const packed = await t.run();
    expect(packed.viewingRecords).toBe(400);
    // Every packed item fits one write unit (dynalite computes units from the item's size); one
    // more is the ledger's watermark.
    expect(packed.writeUnits).toBe(packed.items + 1);

    const records = summarizeViewers(
      viewers.map((viewer, i) => [
        viewer,
        offsetsOf(i).map((offsetSec) => ({ offsetSec, widthSec: 30 })),
      ]),
    ).records;
    const baseline = await batchWrite(
      t.db,
      t.table,
      unpackedViewingRecords(`${stageId}-unpacked`, w0, records),
    );
    const packedUnits = packed.writeUnits - packed.snapshots - 1;
    expect(baseline.writeUnits).toBe(400);
    expect(packedUnits).toBeLessThanOrEqual(Math.ceil(400 / 30));
    console.info(
      `packing: 400 viewing records -> ${packed.viewingRecordItems} items, ${packedUnits} WCU packed vs ${baseline.writeUnits} WCU one item per record (${(baseline.writeUnits / packedUnits).toFixed(1)}x)`,
    );
  });

  it("reads a window in rounds of viewers and finishes every viewer once, whatever the round's size", async () => {
    const t = syncTestContext();
    const w0 = windowIndex(T0);
    // Rounds of 3 viewers cut across the 16 viewers of each 32-bit word read.
    const viewers = Array.from({ length: 40 }, (_, i) => `viewer-${i}`);
    const offsetsOf = (i: number) => Array.from({ length: ((i * 3) % 10) + 1 }, (_, k) => k * 30);
    const chunked = t.stageId("chunked");
    const whole = t.stageId("whole");
    await t.markBitmapSlots(chunked, w0, viewers, offsetsOf);
    t.clock.nowMs = T0 + 5 * MIN;
    const small = await t.run({ chunkViewers: 3 });
    await t.markBitmapSlots(whole, w0 + 1, viewers, offsetsOf);
    t.clock.nowMs = T0 + 10 * MIN;
    await t.run();

    expect(small.viewingRecords).toBe(viewers.length);
    const expected = summarizeViewers(
      viewers.map((viewer, i) => [
        viewer,
        offsetsOf(i).map((offsetSec) => ({ offsetSec, widthSec: 30 })),
      ]),
    );
    expect(Object.fromEntries(await t.viewingSeconds(chunked))).toEqual(
      Object.fromEntries(expected.records),
    );
    const records = async (stageId: string) =>
      (await t.viewingItems(stageId)).flatMap((item) => item.records as [string, number][]);
    expect(await records(chunked)).toEqual(await records(whole));
    const [snapshot] = await t.snapshots(chunked);
    expect(snapshot).toMatchObject({
      uniqueViewers: viewers.length,
      watchSeconds: expected.watchSeconds,
      slotViewers: expected.slotViewers,
    });
  });
});
