/**
 * One sync run in a process of its own, for tests and benchmarks that measure it: reads the
 * configuration from the environment (as `npm run sync` does), runs once with the real clock,
 * samples the V8 heap every 5 ms meanwhile, and prints one JSON line:
 * `{ report, peakHeapMb, baselineHeapMb, heapLimitMb, cpuMs }`. Run it under
 * `node --max-old-space-size=<MB>` to hold it to a Worker's memory.
 *
 * Options (JSON in argv[2]): any RunSyncOptions, e.g. `{"pageFields":5000}`.
 */
import { getHeapStatistics } from "node:v8";
import { parseConfig } from "../../shared/config";
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
  // The production path (sync-once.ts): the clients, deadlines and run the cron uses.
  const report = await syncOnce(config, { ...options, log: () => {} });
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(sampler);
  peak = Math.max(peak, getHeapStatistics().used_heap_size);
  process.stdout.write(
    `${JSON.stringify({
      report,
      peakHeapMb: mb(peak),
      baselineHeapMb: mb(baseline),
      heapLimitMb: mb(getHeapStatistics().heap_size_limit),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    })}\n`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
