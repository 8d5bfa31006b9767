import {
  CONCURRENCY_SLOTS,
  WINDOW_MS,
  windowIndex,
  windowStartMs,
} from "@viewer-presence/shared/windows";
import { describe, expect, it } from "vitest";
import { broadcastFigures } from "../../sync/history/broadcast-summaries";
import { batchWrite } from "../../sync/windows/batch-write";
import { packViewingRecords, snapshotItem } from "../../sync/windows/window-items";
import { ownTable, syncTestContext, T0 } from "./harness";

const iso = (ms: number) => new Date(ms).toISOString();

describe("a broadcast's figures", () => {
  it("credit the viewers of a window that started in the broadcast's last millisecond, as its peak does", async () => {
    // A table of its own: the figures look for an earlier broadcast of the stage.
    const t = syncTestContext(await ownTable());
    const stageId = t.stageId("last-ms");
    const window = windowIndex(T0);
    const startMs = windowStartMs(window);
    const slotViewers = [1, ...new Array<number>(CONCURRENCY_SLOTS - 1).fill(0)];
    await batchWrite(t.db, t.table, [
      snapshotItem({
        stageId,
        window,
        totals: { uniqueViewers: 1, watchSeconds: 30, slotViewers, countries: {}, devices: {} },
        viewerCount: 1,
        takenAtMs: startMs + WINDOW_MS,
        ttlDays: 30,
      }),
      ...packViewingRecords(stageId, window, [["amy", 30]]),
    ]);
    // Live from the window before; ended 1 ms into this one, which it is credited with.
    const figures = await broadcastFigures(t.db, t.table, {
      stageId,
      startedAt: iso(startMs - WINDOW_MS),
      endedAt: iso(startMs + 1),
    });
    expect(figures).toMatchObject({
      peakViewers: 1,
      peakAt: iso(startMs),
      uniqueViewers: 1,
      secondsWatched: 30,
    });
  });
});
