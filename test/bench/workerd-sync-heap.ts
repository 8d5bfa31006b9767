/**
 * The sync job's heap inside workerd (issue 22): one stage's closed window of N viewers, synced
 * the production way, its isolate's heap read through the V8 inspector. Not part of `npm test`
 * nor of `npm run bench` (minutes per size). Prints markdown.
 *
 *   npx tsx test/bench/workerd-sync-heap.ts                          # 200k, 1M and 2M, once each
 *   npx tsx test/bench/workerd-sync-heap.ts --viewers 200000 --repeat 3
 *   npx tsx test/bench/workerd-sync-heap.ts --viewers 20000 --echo   # the worker's output too
 *   npx tsx test/bench/workerd-sync-heap.ts --no-gc     # only read the heap, never force a GC
 *
 * Per size and repeat: a fresh local stack in a child process (test/stack/serve.ts: redis-server,
 * the Upstash-compatible endpoint, dynalite), Redis seeded as the edge leaves one closed window
 * (seed-windows.ts: the window two before the clock's), then the worker under `wrangler dev`
 * (its own process, workerd) with `--test-scheduled`: `GET /__scheduled` runs the cron's
 * handler, which enqueues one message on the local `SYNC_QUEUE`, whose consumer (the worker's
 * `queue` handler) runs the sync. While it runs, the isolate's heap is sampled one sample after
 * another (HeapProfiler.collectGarbage, then Runtime.getHeapUsage: isolate-heap.ts) until the
 * run's report line (`"event":"sync.run"`) appears in the worker's output. Then the same
 * completeness check as sync-scale.ts: no closed window left, one snapshot, every viewer's
 * record exactly once with the 300 s seeded, breakdowns by country and device as seeded.
 */
import { realpathSync } from "node:fs";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { createDocumentClient } from "@viewer-presence/shared/clients";
import { windowIndex } from "@viewer-presence/shared/windows";
import type { RunReport } from "../../sync/run-report";
import { startWranglerDev } from "../stack/wrangler-dev";
import { startBenchStack } from "./bench-stack";
import { type HeapSamples, openIsolateInspector, sampleHeap } from "./isolate-heap";
import { seedingTarget, seedWindows } from "./seed-windows";
import { breakdownsMatch, readTable, slotWindowsWaiting } from "./sync-scale";

const DEFAULT_SIZES = [200_000, 1_000_000, 2_000_000];
/** Seconds every seeded viewer watched: all 10 slots of 30 s. */
const SECONDS_PER_VIEWER = 300;
/** Pause between two heap samples, in ms: with forced collections, and without. */
const SAMPLE_PAUSE_MS = 200;
const SAMPLE_PAUSE_NO_GC_MS = 50;
/** Longest the bench waits for the run's report (the run's own deadline is 10 min). */
const RUN_TIMEOUT_MS = 15 * 60_000;
/** The cron in wrangler.toml. */
const CRON = "1-59/5 * * * *";

export interface HeapRun {
  viewers: number;
  /** Whether each sample forced a full collection (else V8 collected when it would). */
  collect: boolean;
  /** The isolate's heap (after a collection, with `collect`) just before the cron fired. */
  baseline: { usedMb: number; totalMb: number };
  /** Peaks after forced collections (with `collect`): what the isolate held. */
  peakUsedMb?: number;
  peakTotalMb?: number;
  /** Peaks read as the heap was (before the forced collection, with `collect`). */
  peakRawUsedMb: number;
  peakRawTotalMb: number;
  samples: number;
  /** From the cron's request to the report line, in ms. */
  wallMs: number;
  seedMs: number;
  report: RunReport | undefined;
  records: number;
  distinctViewers: number;
  items: number;
  complete: boolean;
}

const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

export async function measureHeap(
  viewers: number,
  options: {
    /** Force a full collection before each sample's second read (default true). */
    collect?: boolean;
    /** Also copy the worker's output here (diagnosis). */
    echo?: NodeJS.WritableStream;
  } = {},
): Promise<HeapRun> {
  const { collect = true, echo } = options;
  const stack = await startBenchStack();
  try {
    const { env, config, redis, keys } = seedingTarget(stack.env);
    const plan = { stages: 1, viewersPerStage: viewers, window: windowIndex(Date.now()) - 2 };
    const seedStarted = performance.now();
    await seedWindows(redis, keys, plan);
    const seedMs = Math.round(performance.now() - seedStarted);

    const output = new PassThrough();
    const reportLine = firstReportLine(output);
    if (echo) output.pipe(echo, { end: false });
    const worker = await startWranglerDev({
      port: 0,
      vars: env,
      testScheduled: true,
      echo: output,
    });
    let samples: HeapSamples;
    let report: RunReport | undefined;
    let wallMs: number;
    try {
      const inspector = await openIsolateInspector(worker.inspectorUrl, async () => {
        const response = await fetch(`${worker.url}/__heap-sample`);
        await response.body?.cancel();
      });
      try {
        const sampler = sampleHeap(inspector, {
          pauseMs: collect ? SAMPLE_PAUSE_MS : SAMPLE_PAUSE_NO_GC_MS,
          collect,
        });
        const started = performance.now();
        const cron = await fetch(`${worker.url}/__scheduled?cron=${encodeURIComponent(CRON)}`);
        if (!cron.ok) throw new Error(`/__scheduled answered ${cron.status}`);
        await cron.body?.cancel();
        let timer: NodeJS.Timeout | undefined;
        report = await Promise.race([
          reportLine,
          new Promise<undefined>((resolve) => {
            timer = setTimeout(() => resolve(undefined), RUN_TIMEOUT_MS);
          }),
        ]);
        // Else the timer would hold the bench's process open for the rest of the 15 min.
        clearTimeout(timer);
        wallMs = Math.round(performance.now() - started);
        console.error(`workerd sync heap: report after ${wallMs} ms`);
        samples = await sampler.stop();
      } finally {
        inspector.close();
      }
    } finally {
      await worker.stop();
    }

    const db = createDocumentClient(config, { timeoutMs: 60_000 });
    const table = await readTable(db, config.dynamodbTable);
    db.destroy();
    const left = await slotWindowsWaiting(redis, keys, config);
    const scenario = { label: "", stages: 1, viewersPerStage: viewers };
    const complete =
      report !== undefined &&
      report.errors === undefined &&
      report.skipped === undefined &&
      left === 0 &&
      table.snapshots === 1 &&
      table.snapshotViewers === viewers &&
      table.records === viewers &&
      table.distinctViewers === viewers &&
      table.watchSeconds === viewers * SECONDS_PER_VIEWER &&
      breakdownsMatch(scenario, table);
    return {
      viewers,
      collect,
      baseline: { usedMb: mb(samples.first.usedBytes), totalMb: mb(samples.first.totalBytes) },
      ...(samples.peakAfterGc
        ? {
            peakUsedMb: mb(samples.peakAfterGc.usedBytes),
            peakTotalMb: mb(samples.peakAfterGc.totalBytes),
          }
        : {}),
      peakRawUsedMb: mb(samples.peakBeforeGc.usedBytes),
      peakRawTotalMb: mb(samples.peakBeforeGc.totalBytes),
      samples: samples.count,
      wallMs,
      seedMs,
      report,
      records: table.records,
      distinctViewers: table.distinctViewers,
      items: table.items,
      complete,
    };
  } finally {
    await stack.stop();
  }
}

/** The first sync run's report in the worker's output (its one JSON log line). */
function firstReportLine(output: PassThrough): Promise<RunReport> {
  return new Promise((resolve) => {
    let buffered = "";
    output.setEncoding("utf8");
    output.on("data", (chunk: string) => {
      buffered += chunk;
      for (let end = buffered.indexOf("\n"); end >= 0; end = buffered.indexOf("\n")) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        const at = line.indexOf('{"event":"sync.run"');
        if (at >= 0) resolve(JSON.parse(line.slice(at)) as RunReport);
      }
    });
  });
}

const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const median =
    sorted.length % 2 === 1
      ? sorted[(sorted.length - 1) / 2]!
      : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  return `${sorted[0]} / ${Math.round(median * 10) / 10} / ${sorted.at(-1)}`;
};

export function heapTable(runs: HeapRun[]): string {
  const lines = [
    "| viewers | forced GC per sample | runs | samples | peak used MB after GC (min / median / max) | peak total MB after GC | peak used MB as read | peak total MB as read | baseline used / total MB | wall s (report line) | records | distinct viewers | items in table | complete |",
    "|---:|---|---:|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  const groups = new Map<string, HeapRun[]>();
  for (const run of runs) {
    const key = `${run.viewers} ${run.collect}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  const each = (of: HeapRun[], value: (run: HeapRun) => unknown) => of.map(value).join(", ");
  for (const of of groups.values()) {
    const { viewers, collect } = of[0]!;
    const after = (value: (run: HeapRun) => number | undefined) =>
      collect ? stats(of.map((run) => value(run)!)) : "-";
    lines.push(
      `| ${viewers.toLocaleString("en-US")} | ${collect ? "yes" : "no"} | ${of.length} | ${each(of, (r) => r.samples)} | ${after((r) => r.peakUsedMb)} | ${after((r) => r.peakTotalMb)} | ${stats(of.map((r) => r.peakRawUsedMb))} | ${stats(of.map((r) => r.peakRawTotalMb))} | ${each(of, (r) => `${r.baseline.usedMb} / ${r.baseline.totalMb}`)} | ${stats(of.map((r) => Math.round(r.wallMs / 100) / 10))} | ${each(of, (r) => r.records)} | ${each(of, (r) => r.distinctViewers)} | ${each(of, (r) => r.items)} | ${each(of, (r) => (r.complete ? "yes" : `NO (${r.report?.errors?.join("; ") ?? r.report?.skipped ?? "no report"})`))} |`,
    );
  }
  return lines.join("\n");
}

function parseArgs(argv: string[]) {
  const value = (name: string) => {
    const at = argv.indexOf(name);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const sizes = value("--viewers")?.split(",").map(Number) ?? DEFAULT_SIZES;
  const repeat = Number(value("--repeat") ?? 1);
  if (sizes.some((n) => !Number.isInteger(n) || n < 16) || !(repeat >= 1)) {
    throw new Error("usage: workerd-sync-heap.ts [--viewers 200000,1000000] [--repeat N]");
  }
  return { sizes, repeat, echo: argv.includes("--echo"), noGc: argv.includes("--no-gc") };
}

async function main(): Promise<void> {
  const { sizes, repeat, echo, noGc } = parseArgs(process.argv.slice(2));
  const runs: HeapRun[] = [];
  for (let round = 0; round < repeat; round++) {
    for (const viewers of sizes) {
      console.error(`workerd sync heap: ${viewers} viewers, run ${round + 1} ...`);
      const run = await measureHeap(viewers, {
        collect: !noGc,
        ...(echo ? { echo: process.stderr } : {}),
      });
      console.error(
        `workerd sync heap: ${viewers}: peak after GC used ${run.peakUsedMb ?? "-"} MB, total ${run.peakTotalMb ?? "-"} MB; as read ${run.peakRawUsedMb} / ${run.peakRawTotalMb} MB; ${run.samples} samples, ${run.wallMs} ms, ${run.complete ? "complete" : "NOT complete"}`,
      );
      runs.push(run);
    }
  }
  console.log(heapTable(runs));
}

if (realpathSync(process.argv[1] ?? "") === realpathSync(fileURLToPath(import.meta.url))) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
