import { windowIndex } from "@viewer-presence/shared/windows";
import { describe, expect, it } from "vitest";
import { itemBytes } from "./item-size";
import { summarizeViewers, type WindowRecord } from "./window-accumulator";
import { packViewingRecords, snapshotItem } from "./window-items";

const T = Date.UTC(2026, 10, 27, 12, 0, 10);
const W = windowIndex(T);

describe("a closed window's items", () => {
  it("credits each viewer the union of their slots: two tabs count once", () => {
    const summary = summarizeViewers([
      [
        "amy",
        [
          { offsetSec: 0, widthSec: 30 },
          { offsetSec: 270, widthSec: 30 },
        ],
      ],
      [
        "bob",
        [
          { offsetSec: 0, widthSec: 30 },
          { offsetSec: 0, widthSec: 60 }, // a tab on a longer interval overlaps
        ],
      ],
      ["cid", []], // present, never playing: no record
    ]);
    expect(summary.records).toEqual([
      ["amy", 60],
      ["bob", 60],
    ]);
    expect(summary.uniqueViewers).toBe(2);
    // Concurrency per 30 s: amy in slots 0 and 9; bob in 0 and 1 (his 60 s slot spans both).
    expect(summary.slotViewers).toEqual([2, 1, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(summary.watchSeconds).toBe(120);
  });

  it("builds the snapshot from the window, not from when the job ran", () => {
    const totals = summarizeViewers([["amy", [{ offsetSec: 0, widthSec: 30 }]]]);
    const item = snapshotItem({
      stageId: "s1",
      window: W,
      totals,
      viewerCount: 4,
      takenAtMs: T + 3_600_000,
      ttlDays: 30,
    });
    expect(item).toEqual({
      pk: "STAGE#s1",
      sk: "SNAPSHOT#2026-11-27T12:00:00.000Z",
      type: "Snapshot",
      stageId: "s1",
      windowStart: "2026-11-27T12:00:00.000Z",
      windowEnd: "2026-11-27T12:05:00.000Z",
      takenAt: "2026-11-27T13:00:10.000Z",
      viewerCount: 4,
      uniqueViewers: 1,
      watchSeconds: 30,
      slotViewers: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      peakViewers: 1,
      averageViewers: 0.1,
      ttl: Math.floor((T + 3_600_000) / 1000) + 30 * 86_400,
    });
  });

  it("packs records in viewer order into items under the budget, deterministically", () => {
    const records: WindowRecord[] = Array.from({ length: 500 }, (_, i) => [
      `viewer-${String(i).padStart(4, "0")}@example.com`,
      (i % 10) * 30 + 30,
    ]);
    const items = packViewingRecords("stage-1", W, records, 992);
    expect(items.length).toBeGreaterThan(10);
    expect(items.length).toBeLessThan(30);
    for (const item of items) expect(itemBytes(item)).toBeLessThanOrEqual(992);
    expect(items.flatMap((item) => item.records)).toEqual(records);
    expect(items.map((item) => item.sk)).toEqual(
      items.map((_, part) => `2026-11-27T12:00:00.000Z#${String(part).padStart(3, "0")}`),
    );
    expect(packViewingRecords("stage-1", W, records, 992)).toEqual(items);
  });

  it("packs nothing for no records", () => {
    expect(packViewingRecords("s", W, [])).toEqual([]);
  });
});
