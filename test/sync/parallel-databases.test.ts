/**
 * The sync job over several Redis databases, several at once: each database's run under its own
 * lock, every run completing, and the runs overlapping. Overlap is read from the runs' own
 * reports (their `startedAt` and `finishedAt` by a clock that ticks once a reading), not from
 * how long anything took: a run that starts before another has finished overlaps it.
 */

import { createDynamoClient } from "@viewer-presence/shared/clients";
import { parseConfig } from "@viewer-presence/shared/config";
import { stageDatabases } from "@viewer-presence/shared/rendezvous";
import { describe, expect, it } from "vitest";
import { createTable } from "../../sync/create-table";
import { main } from "../../sync/node-cli";
import type { RunReport } from "../../sync/run-report";
import { syncOnce } from "../../sync/sync-once";
import { severalDatabases } from "../in-process/databases-harness";
import { T0 } from "../in-process/harness";
import { localStackPerFile } from "../stack/stack-per-file";
import { uniqueId } from "../test-env";
import { denoSyncOnce } from "./deno-sync";

const DATABASES = 3;
const WINDOW_MS = 300_000;
const stack = localStackPerFile({ databases: DATABASES });

/**
 * A key prefix and a table of the test's own (a run that restores the registry takes in every
 * stage of its table), with one stage homed in each database and a viewer's heartbeat in it.
 */
async function oneStagePerDatabase() {
  const t = severalDatabases(stack());
  const table = uniqueId("table");
  await createTable(createDynamoClient(parseConfig(t.env)), table);
  t.env.DYNAMODB_TABLE = table;
  const homed = new Map<number, string>();
  while (homed.size < DATABASES) {
    const id = uniqueId("stage");
    const [home] = stageDatabases(t.urls, { id });
    if (homed.has(home!)) continue;
    expect((await t.createStage({ id, title: id })).status).toBe(201);
    homed.set(home!, id);
  }
  for (const id of homed.values()) expect((await t.beat(id, "amy")).status).toBe(200);
  return t;
}

/** Syncs with a clock that moves 1 ms at each reading, past the heartbeats' window. */
async function syncWith(t: Awaited<ReturnType<typeof oneStagePerDatabase>>, concurrency: number) {
  let tick = T0 - (T0 % WINDOW_MS) + WINDOW_MS + 20_000;
  const lines: string[] = [];
  const combined = await syncOnce(parseConfig(t.env), {
    now: () => tick++,
    log: (line) => lines.push(line),
    concurrency,
  });
  const runs = lines
    .map((line) => JSON.parse(line) as { event: string } & RunReport)
    .filter((line) => line.event === "sync.run");
  return { combined, runs };
}

const span = (run: RunReport) => ({
  start: Date.parse(run.startedAt),
  finish: Date.parse(run.finishedAt!),
});
const overlap = (a: RunReport, b: RunReport) =>
  span(a).start < span(b).finish && span(b).start < span(a).finish;

/** The `sync.run` log lines among a host's output lines. */
const runLines = (lines: readonly string[]) =>
  lines
    .filter((line) => line.startsWith('{"event":"sync.run"'))
    .map((line) => JSON.parse(line) as RunReport);

/**
 * The hosts run on the real clock: a run's start and finish are Date.now() readings in ms, and
 * every run makes several requests to its database, so a run that started before another
 * finished shows it.
 */
function expectAllOverlap(runs: readonly RunReport[]) {
  expect(runs).toHaveLength(DATABASES);
  for (const run of runs) expect(run).toMatchObject({ windows: 1 });
  for (const a of runs) for (const b of runs) if (a !== b) expect(overlap(a, b)).toBe(true);
}

/** The heartbeats' window closed by the real clock: the stages' heartbeats are at T0. */
const realClockEnv = (env: Record<string, string>) => ({
  ...env,
  SYNC_DATABASE_CONCURRENCY: String(DATABASES),
});

describe("syncOnce over several databases", () => {
  it("runs them at once up to its concurrency, each completing its own database's windows", async () => {
    const t = await oneStagePerDatabase();
    const { combined, runs } = await syncWith(t, DATABASES);
    expect(combined.errors).toBeUndefined();
    expect(combined).toMatchObject({ databases: DATABASES, windows: DATABASES, stages: DATABASES });
    expect(runs).toHaveLength(DATABASES);
    for (const run of runs) {
      expect(run.skipped).toBeUndefined();
      expect(run.windows).toBe(1);
    }
    for (const a of runs) for (const b of runs) if (a !== b) expect(overlap(a, b)).toBe(true);
    // Each run took and released its own database's lock: none is left behind.
    for (const redis of t.direct) expect(await redis.get(t.keys.syncLock())).toBeNull();
  });

  it("at a concurrency of 1 runs them one after another (what the overlap check tells apart)", async () => {
    const t = await oneStagePerDatabase();
    const { combined, runs } = await syncWith(t, 1);
    expect(combined.errors).toBeUndefined();
    expect(combined.windows).toBe(DATABASES);
    for (const a of runs) for (const b of runs) if (a !== b) expect(overlap(a, b)).toBe(false);
  });

  it("a database whose lock another run holds is skipped while the others complete", async () => {
    const t = await oneStagePerDatabase();
    await t.direct[1]!.set(t.keys.syncLock(), "another-run", { px: 60_000 });
    const { combined, runs } = await syncWith(t, DATABASES);
    expect(combined.errors).toBeUndefined();
    expect(combined.windows).toBe(DATABASES - 1);
    expect(runs.filter((run) => run.skipped === "locked")).toHaveLength(1);
    expect(await t.direct[1]!.get(t.keys.syncLock())).toBe("another-run");
  });
});

describe("the sync hosts over several databases", () => {
  it("the Node CLI runs SYNC_DATABASE_CONCURRENCY of them at once", async () => {
    const t = await oneStagePerDatabase();
    const out: string[] = [];
    const code = await main(["--json"], realClockEnv(t.env), {
      out: (text) => out.push(text),
      err: (text) => out.push(text),
      onStopSignal: () => () => {},
    });
    expect(code, out.join("\n")).toBe(0);
    expectAllOverlap(runLines(out));
  });

  it("the Deno entry (--once) runs SYNC_DATABASE_CONCURRENCY of them at once", async () => {
    const t = await oneStagePerDatabase();
    const { code, stdout, stderr } = await denoSyncOnce(realClockEnv(t.env));
    expect(code, stderr).toBe(0);
    expectAllOverlap(runLines(stdout.split("\n")));
  }, 60_000);
});
