import { spawn } from "node:child_process";
import { windowIndex } from "@viewer-presence/shared/windows";
import { describe, expect, it } from "vitest";
import { syncTestContext } from "./harness";

/** The flags the Deno entry needs (see deno-entry.ts): no more permissions than these. */
const DENO_FLAGS = [
  "run",
  "--allow-env",
  "--allow-net",
  "--allow-sys=osRelease",
  "--node-modules-dir=manual",
];

describe("Deno entry", () => {
  it("`deno run ... sync/deno-entry.ts --once` performs a run against the stack", async () => {
    const t = syncTestContext();
    const stageId = t.stageId();
    await t.markBitmapSlots(stageId, windowIndex(Date.now()) - 2, ["amy", "bob"], (i) => [i * 30]);
    const child = spawn("npx", ["deno", ...DENO_FLAGS, "sync/deno-entry.ts", "--once"], {
      cwd: process.cwd(),
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NO_COLOR: "1", ...t.env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
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
