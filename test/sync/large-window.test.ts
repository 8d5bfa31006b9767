/**
 * The sync job's memory does not grow with the size of a stage: one stage of 50,000 viewers
 * (a closed window of 275,000 slots, in slot bitmaps) syncs completely in a process whose V8
 * heap is capped at 128 MB, a Worker's memory. The run before streaming died here with "JavaScript heap out of
 * memory" (issue 8).
 */
import { windowIndex } from "@viewer-presence/shared/windows";
import { describe, expect, it } from "vitest";
import { runProcess } from "../../deploy/run-process";
import { windowAwaitingSync } from "../watched-slots";
import { syncTestContext } from "./harness";

const VIEWERS = 50_000;
const SLOTS = 10;
const HEAP_CAP_MB = 128;

/** The sync job once (measured-sync.ts) in a Node process whose V8 heap is capped at `heapCapMb`. */
function measuredRun(env: Record<string, string>, heapCapMb: number) {
  return runProcess(
    process.execPath,
    [`--max-old-space-size=${heapCapMb}`, "--import", "tsx", "test/sync/measured-sync.ts"],
    { cwd: process.cwd(), env: { PATH: process.env.PATH ?? "", ...env } },
  ).exited;
}

describe("a stage of 50,000 viewers", () => {
  it("syncs completely under a 128 MB heap", { timeout: 180_000 }, async () => {
    const t = syncTestContext();
    const stageId = t.stageId("big");
    // Closed ten minutes ago by the real clock: the child runs with the real clock.
    const window = windowIndex(Date.now()) - 2;
    const viewerId = (v: number) => `viewer-${String(v).padStart(6, "0")}@example.com`;
    // Viewer v watched (v % SLOTS) + 1 slots of 30 s.
    const offsetsOf = (v: number) => Array.from({ length: (v % SLOTS) + 1 }, (_, s) => s * 30);
    const ids = Array.from({ length: VIEWERS }, (_, v) => viewerId(v));
    await t.markBitmapSlots(stageId, window, ids, offsetsOf);

    const run = await measuredRun(t.env as unknown as Record<string, string>, HEAP_CAP_MB);
    expect(run.stderr).not.toMatch(/heap out of memory/i);
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    const result = JSON.parse(run.stdout.trim().split("\n").at(-1)!) as {
      report: { windows: number; viewingRecords: number; errors?: string[] };
      peakHeapMb: number;
    };
    expect(result.report).toMatchObject({ windows: 1, viewingRecords: VIEWERS });
    expect(result.report.errors).toBeUndefined();
    expect(await windowAwaitingSync(t.redis, t.keys, stageId, window)).toBe(false);

    // Every viewer's seconds, exactly once.
    const seconds = await t.viewingSeconds(stageId);
    expect(seconds.size).toBe(VIEWERS);
    for (const v of [0, 1, 9, 10, 12_345, VIEWERS - 1]) {
      expect(seconds.get(viewerId(v))).toBe(((v % SLOTS) + 1) * 30);
    }
    console.info(`50,000 viewers: peak heap ${result.peakHeapMb} MB (cap ${HEAP_CAP_MB} MB)`);
  });
});
