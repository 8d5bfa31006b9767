/**
 * Runs test/sync/measured-sync.ts (one production sync run, `syncOnce`) in a child process
 * whose V8 heap is capped like a Worker's, and reads back what it printed.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { RunReport } from "../../sync/run-report";

export interface MeasuredRun {
  /** The run's report; on a failed run, undefined (see `failure`). */
  report?: RunReport;
  peakHeapMb?: number;
  baselineHeapMb?: number;
  heapLimitMb?: number;
  cpuMs?: number;
  /** Wall time of the child, process start and tsx included, in ms. */
  processMs: number;
  /** Why the run did not complete: its error, "heap out of memory", or a timeout. */
  failure?: string;
}

const MEASURED_SYNC = fileURLToPath(new URL("../sync/measured-sync.ts", import.meta.url));

export function measuredRun(
  env: Record<string, string>,
  opts: { heapCapMb: number; timeoutMs: number },
): Promise<MeasuredRun> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [`--max-old-space-size=${opts.heapCapMb}`, "--import", "tsx", MEASURED_SYNC],
    { env: { PATH: process.env.PATH ?? "", ...env } },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  // The run's own deadline (3 min) should end it first; this only guards the benchmark.
  const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs);
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const processMs = Math.round(performance.now() - started);
      const line = stdout.trim().split("\n").at(-1);
      if (code === 0 && line) return resolve({ ...JSON.parse(line), processMs });
      const failure = /heap out of memory/i.test(stderr)
        ? "JavaScript heap out of memory"
        : signal === "SIGKILL"
          ? `killed after ${opts.timeoutMs} ms`
          : (/SyncRunError[^\n]*/.exec(stderr)?.[0] ??
            stderr.trim().split("\n").slice(-3).join(" "));
      resolve({ processMs, failure: `exit ${code ?? signal}: ${failure}` });
    });
  });
}
