/**
 * Preloaded into a measured sync run (`node --import <this file>`): samples the V8 heap every
 * 5 ms and, when the process exits, writes `{"heapSampler":{peakHeapMb,cpuMs}}` as one line to
 * stderr. test/sync/measured-sync.ts prints its figures only for a run that ended with a
 * report; this gives them for a run killed without one too (by "heap out of memory" it prints
 * nothing: its peak is the cap).
 */
import { getHeapStatistics } from "node:v8";

let peak = 0;
const timer = setInterval(() => {
  peak = Math.max(peak, getHeapStatistics().used_heap_size);
}, 5);
// The sampler must never be what keeps the process alive.
timer.unref();

process.on("exit", () => {
  peak = Math.max(peak, getHeapStatistics().used_heap_size);
  const cpu = process.cpuUsage();
  const line = JSON.stringify({
    heapSampler: {
      peakHeapMb: Math.round((peak / 1048576) * 10) / 10,
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    },
  });
  // Synchronous on a pipe (Linux), so it is written before the process ends.
  process.stderr.write(`${line}\n`);
});
