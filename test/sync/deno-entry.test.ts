import { windowIndex } from "@viewer-presence/shared/windows";
import { describe, expect, it } from "vitest";
import { denoSyncOnce } from "./deno-sync";
import { syncTestContext } from "./harness";

describe("Deno entry", () => {
  it("`deno run ... sync/deno-entry.ts --once` performs a run against the stack", async () => {
    const t = syncTestContext();
    const stageId = t.stageId();
    await t.markBitmapSlots(stageId, windowIndex(Date.now()) - 2, ["amy", "bob"], (i) => [i * 30]);
    const { code, stdout, stderr } = await denoSyncOnce(t.env);
    expect(code, stderr).toBe(0);
    const logLine = stdout.split("\n").find((line) => line.startsWith('{"event":"sync.run"'));
    expect(JSON.parse(logLine!)).toMatchObject({ windows: 1, snapshots: 1, viewingRecords: 2 });
    expect(stdout).toMatch(/^status +ok in \d+ ms$/m);
    expect(await t.snapshots(stageId)).toHaveLength(1);
    expect(await t.viewingSeconds(stageId)).toEqual(
      new Map([
        ["amy", 30],
        ["bob", 30],
      ]),
    );
  });
});
