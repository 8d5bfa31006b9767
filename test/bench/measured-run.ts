/**
 * Runs test/sync/measured-sync.ts (one production sync run, `syncOnce`, printing the report of
 * a failed run too) in a child process whose V8 heap is capped like
 * a Worker's, and reads back what it printed. heap-sampler.ts is preloaded so that a run that
 * dies without a report (heap out of memory, killed) still says how much heap and CPU it used.
 */
import { fileURLToPath } from "node:url";
import { runProcess } from "../../deploy/run-process";
import type { RunReport } from "../../sync/run-report";

export interface MeasuredRun {
  /**
   * The run's report; also of a run that failed with one (SyncRunError: a step failed or the
   * deadline passed; `failure` says why); undefined when the process died without one.
   */
  report?: RunReport;
  /** Peak used V8 heap, MB: measured-sync's figure, or heap-sampler's after a failed run. */
  peakHeapMb?: number;
  baselineHeapMb?: number;
  heapLimitMb?: number;
  /** CPU time, ms: of the run (measured-sync), or of the whole process after a failed run. */
  cpuMs?: number;
  /** The run's wall time (its report), or the child's after a failed run, in ms. */
  wallMs: number;
  /** Why the run did not complete: its error, "heap out of memory", or a timeout. */
  failure?: string;
}

const MEASURED_SYNC = fileURLToPath(new URL("../sync/measured-sync.ts", import.meta.url));
const HEAP_SAMPLER = fileURLToPath(new URL("./heap-sampler.ts", import.meta.url));

export function measuredRun(
  env: Record<string, string>,
  opts: { heapCapMb: number; timeoutMs: number; runOptions?: object; nodeFlags?: string[] },
): Promise<MeasuredRun> {
  const started = performance.now();
  const { child, exited } = runProcess(
    process.execPath,
    [
      `--max-old-space-size=${opts.heapCapMb}`,
      ...(opts.nodeFlags ?? []),
      "--import",
      "tsx",
      "--import",
      HEAP_SAMPLER,
      MEASURED_SYNC,
      JSON.stringify(opts.runOptions ?? {}),
    ],
    { env: { PATH: process.env.PATH ?? "", ...env } },
  );
  // The run's own deadline (SYNC_RUN_DEADLINE_MS) should end it first; this only guards the benchmark.
  const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs);
  return exited.then(({ code, signal, stdout, stderr }): MeasuredRun => {
    clearTimeout(timer);
    const processMs = Math.round(performance.now() - started);
    const line = stdout.trim().split("\n").at(-1);
    if (line?.startsWith("{")) {
      const { error, ...printed } = JSON.parse(line) as Omit<MeasuredRun, "wallMs"> & {
        report: RunReport;
        error?: string;
      };
      return {
        ...printed,
        wallMs: printed.report.durationMs,
        ...(error === undefined ? {} : { failure: `exit ${code}: ${error}` }),
      };
    }
    const sampled = /\{"heapSampler":.*\}/.exec(stderr)?.[0];
    const failure = /heap out of memory/i.test(stderr)
      ? "JavaScript heap out of memory"
      : signal === "SIGKILL"
        ? `killed after ${opts.timeoutMs} ms`
        : (/SyncRunError[^\n]*/.exec(stderr)?.[0] ?? stderr.trim().split("\n").slice(-3).join(" "));
    return {
      ...(sampled ? JSON.parse(sampled).heapSampler : {}),
      wallMs: processMs,
      failure: `exit ${code ?? signal}: ${failure}`,
    };
  });
}
