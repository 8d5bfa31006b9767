/**
 * One production sync run (`syncOnce`) in a process of its own, for tests and benchmarks that
 * measure it: configuration from the environment (as `npm run sync` reads it), the real clock,
 * the V8 heap sampled every 5 ms, one JSON line `{ report, peakHeapMb, baselineHeapMb,
 * heapLimitMb, cpuMs }` on stdout. A run that fails with a report (SyncRunError: a step failed,
 * or the run's deadline passed) prints that line too, with `error` set, and exits 1: the sync
 * benchmark needs that report (what it wrote counts; the next run resumes the window). Run it
 * under `node --max-old-space-size=<MB>` to hold it to a Worker's memory.
 *
 * Options (JSON in argv[2]): any RunSyncOptions, and `deadlines`.
 */
import { getHeapStatistics } from "node:v8";
import { parseConfig } from "@viewer-presence/shared/config";
import type { RunReport } from "../../sync/run-report";
import { syncOnce } from "../../sync/sync-once";

const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

async function main() {
  const config = parseConfig(process.env);
  const options = JSON.parse(process.argv[2] ?? "{}");
  globalThis.gc?.();
  const baseline = getHeapStatistics().used_heap_size;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, getHeapStatistics().used_heap_size);
  }, 5);
  const cpuBefore = process.cpuUsage();
  let report: RunReport;
  let error: string | undefined;
  try {
    // The production path (sync-once.ts): the clients, deadlines and run the cron uses.
    report = await syncOnce(config, { ...options, log: () => {} });
  } catch (thrown) {
    const carried = (thrown as { report?: RunReport }).report;
    if (carried === undefined) throw thrown;
    report = carried;
    error = (thrown as Error).message;
  }
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(sampler);
  peak = Math.max(peak, getHeapStatistics().used_heap_size);
  process.stdout.write(
    `${JSON.stringify({
      report,
      ...(error === undefined ? {} : { error }),
      peakHeapMb: mb(peak),
      baselineHeapMb: mb(baseline),
      heapLimitMb: mb(getHeapStatistics().heap_size_limit),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    })}\n`,
  );
  if (error !== undefined) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
