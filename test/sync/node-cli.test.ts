import { windowIndex } from "@viewer-presence/shared/windows";
import { describe, expect, it } from "vitest";
import { runProcess } from "../../deploy/run-process";
import { main, parseCliArgs, UsageError } from "../../sync/node-cli";
import { emptyReport } from "../../sync/run-report";
import type { ScheduleTimers } from "../../sync/schedule";
import { ownTable, type SyncTestContext, syncTestContext } from "./harness";

const MIN = 60_000;
/** The CLI under tsx as a loader in one process (quicker than `npx tsx`, and signals reach it). */
const TSX = ["--import", "tsx", "sync/node-cli.ts"];

function exec(command: string, args: string[], env: Record<string, string>) {
  return runProcess(command, args, {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
  });
}

/** A window that closed ten minutes ago by the real clock (the CLI has no test clock). */
async function closedWindow(t: SyncTestContext) {
  const stageId = t.stageId();
  await t.markBitmapSlots(stageId, windowIndex(Date.now()) - 2, ["amy"], () => [0]);
  return stageId;
}

describe("node CLI", () => {
  it("reads --every in 30s, 5m, 1h forms and refuses anything else", () => {
    expect(parseCliArgs([])).toEqual({ json: false, help: false });
    expect(parseCliArgs(["--every", "5m"]).everyMs).toBe(5 * MIN);
    expect(parseCliArgs(["--every=30s", "--json"])).toEqual({
      everyMs: 30_000,
      json: true,
      help: false,
    });
    expect(() => parseCliArgs(["--every"])).toThrow(UsageError);
    expect(() => parseCliArgs(["--every", "5 minutes"])).toThrow(/30s, 5m, 1h/);
    expect(() => parseCliArgs(["--evry", "5m"])).toThrow(/unknown argument/);
  });

  it("with --every, runs at once and on schedule, and on a stop signal finishes the run in flight", async () => {
    const t = syncTestContext();
    let nowMs = 2 * MIN;
    const timeouts: { atMs: number; callback: () => void }[] = [];
    const timers: ScheduleTimers = {
      now: () => nowMs,
      setTimeout: (callback, delayMs) => timeouts.push({ atMs: nowMs + delayMs, callback }),
      clearTimeout: () => {},
    };
    let stop: () => void = () => {};
    let release: () => void = () => {};
    const runs: number[] = [];
    const out: string[] = [];
    const exitCode = main(["--every", "5m"], t.env, {
      out: (text) => out.push(text),
      err: (text) => out.push(text),
      onStopSignal: (handler) => {
        stop = handler;
        return () => {};
      },
      timers,
      sync: async () => {
        runs.push(nowMs);
        if (runs.length === 2) await new Promise<void>((resolve) => (release = resolve));
        return emptyReport(`run-${runs.length}`, nowMs);
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(timeouts.at(-1)!.atMs).toBe(5 * MIN + 15_000);
    nowMs = 5 * MIN + 15_000;
    timeouts.at(-1)!.callback(); // the second run starts and hangs
    stop();
    let exited = false;
    void exitCode.then(() => (exited = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(exited).toBe(false);
    release();
    expect(await exitCode).toBe(0);
    expect(runs).toEqual([2 * MIN, 5 * MIN + 15_000]);
    expect(out.filter((line) => line.startsWith("run "))).toHaveLength(2);
    expect(out).toContain("sync: stopping after the run in flight");
  });

  it("`npx tsx sync/node-cli.ts` runs once against the stack and prints the report", async () => {
    // Its own table: the run restores the registry (a new prefix has no marker), so in a shared
    // table it would also summarise every other test's due broadcasts.
    const t = syncTestContext(await ownTable());
    const stageId = await closedWindow(t);
    const run = exec("npx", ["tsx", "sync/node-cli.ts"], t.env);
    expect((await run.exited).code, run.stderr()).toBe(0);
    expect(run.stdout()).toMatch(/^status +ok in \d+ ms$/m);
    expect(run.stdout()).toMatch(/^windows +1 closed windows of 1 stages$/m);
    // The snapshot and one records item, and the ledger's watermark: one read and one write unit.
    expect(run.stdout()).toMatch(
      /^dynamodb +2 items, 3 write units, 0 retries, 1 read units \(ledger\)$/m,
    );
    expect(await t.snapshots(stageId)).toHaveLength(1);
  });

  it("exits 2 with a clear message on a bad period or configuration", async () => {
    const t = syncTestContext();
    const { UPSTASH_REDIS_REST_URL: _, ...incomplete } = t.env;
    const bad = exec(process.execPath, [...TSX, "--every", "5x"], t.env);
    const unconfigured = exec(process.execPath, TSX, incomplete);
    expect((await bad.exited).code).toBe(2);
    expect(bad.stderr()).toContain('sync: --every: "5x" is not a period');
    expect((await unconfigured.exited).code).toBe(2);
    expect(unconfigured.stderr()).toContain("UPSTASH_REDIS_REST_URL is required");
  });

  it("stops on SIGINT after the first run when started with --every", async () => {
    const t = syncTestContext();
    await closedWindow(t);
    const run = exec(
      process.execPath,
      ["--import", "tsx", "sync/node-cli.ts", "--every", "1h"],
      t.env,
    );
    await new Promise<void>((resolve, reject) => {
      run.child.stdout!.on("data", () => {
        if (/^dynamodb /m.test(run.stdout())) resolve();
      });
      run.exited.then(() => reject(new Error(`exited early: ${run.stderr()}`)));
    });
    run.child.kill("SIGINT");
    expect((await run.exited).code).toBe(0);
    expect(run.stderr()).toContain("stopping after the run in flight");
  });
});
