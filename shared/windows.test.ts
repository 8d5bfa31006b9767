import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  CONCURRENCY_SLOT_SEC,
  coveredSeconds,
  DAY_MS,
  HOUR_MS,
  SYNC_CRON,
  slotAt,
  WINDOW_MS,
  windowIndex,
  windowStartMs,
} from "./windows";

describe("windows and slots", () => {
  it("has wrangler.toml run the sync job on SYNC_CRON, the schedule the other entries use", () => {
    const toml = readFileSync(new URL("../wrangler.toml", import.meta.url), "utf8");
    expect(/^crons = \[(.*)\]$/m.exec(toml)?.[1]).toBe(JSON.stringify(SYNC_CRON));
  });

  it("fits whole windows in an hour and a day, and whole concurrency slots in a window", () => {
    // Windows never straddle an hour's viewer index nor a day's rollup, and every snapshot
    // counts the same number of slots: each time constant is derived from these.
    expect(HOUR_MS % WINDOW_MS).toBe(0);
    expect(DAY_MS % WINDOW_MS).toBe(0);
    expect(WINDOW_MS % (CONCURRENCY_SLOT_SEC * 1000)).toBe(0);
  });

  it("aligns windows to the epoch", () => {
    const at = Date.UTC(2026, 10, 27, 12, 7, 30);
    expect(windowStartMs(windowIndex(at))).toBe(Date.UTC(2026, 10, 27, 12, 5, 0));
    expect(windowIndex(windowStartMs(7) + WINDOW_MS - 1)).toBe(7);
  });

  it("puts a heartbeat in the slot of its interval, clipped at the window's end", () => {
    const start = windowStartMs(100);
    expect(slotAt(start + 44_000, 30)).toEqual({ offsetSec: 30, widthSec: 30 });
    expect(slotAt(start + 299_000, 30)).toEqual({ offsetSec: 270, widthSec: 30 });
    // 45 s slots do not divide 300 s: the last one is 30 s wide.
    expect(slotAt(start + 280_000, 45)).toEqual({ offsetSec: 270, widthSec: 30 });
  });

  it("counts overlapping slots once", () => {
    expect(coveredSeconds([])).toBe(0);
    expect(
      coveredSeconds([
        { offsetSec: 0, widthSec: 30 },
        { offsetSec: 0, widthSec: 30 },
      ]),
    ).toBe(30);
    // A 30 s slot and a 60 s slot from an interval change overlap for 30 s.
    expect(
      coveredSeconds([
        { offsetSec: 60, widthSec: 60 },
        { offsetSec: 90, widthSec: 30 },
        { offsetSec: 0, widthSec: 30 },
      ]),
    ).toBe(90);
    expect(
      coveredSeconds([
        { offsetSec: 270, widthSec: 30 },
        { offsetSec: 0, widthSec: 30 },
      ]),
    ).toBe(60);
  });
});
