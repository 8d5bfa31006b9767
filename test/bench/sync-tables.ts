/** The sync benchmark's results as markdown tables and a few plain lines. */
import type { ScenarioResult } from "./sync-scale";
import type { WriteCompareResult } from "./write-compare";

const MB = 1_048_576;
const fixed = (n: number, digits = 1) => n.toFixed(digits);
const int = (n: number) => Math.round(n).toLocaleString("en-US");

function stats(values: number[]): { min: number; median: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median =
    sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { min: sorted[0]!, median, max: sorted.at(-1)! };
}

/** Cron period, ms: a scenario needing several runs waits this long between them. */
const CRON_PERIOD_MS = 5 * 60_000;

/** The node flags and syncOnce options the runs had, as one line. */
function runsUnder(settings: ScenarioResult["settings"] | undefined): string {
  if (settings === undefined) return "";
  const flags = [`--max-old-space-size=${settings.heapCapMb}`, ...(settings.nodeFlags ?? [])];
  const options = settings.runOptions
    ? ` with run options ${JSON.stringify(settings.runOptions)}`
    : "";
  return flags.join(" ") + options;
}

/** `key n, key n, ...`, largest first. */
function breakdown(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([key, n]) => `${key} ${int(n)}`)
    .join(", ");
}

export function scaleTables(results: ScenarioResult[]): string[] {
  const lines = [
    `Layout: slot bitmaps (\`b:\` + hourly index). Memory and time, each run a child process under ${runsUnder(results[0]?.settings)}:`,
    "",
    "| scenario | viewers | runs | peak heap MB (max of runs) | baseline heap MB | CPU ms | wall ms | CPU µs / viewer | wall µs / viewer | complete |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
  ];
  for (const r of results) {
    // Failed runs count too: their own figures, or heap-sampler.ts's for a run that died
    // without a report (heap out of memory, killed).
    const cpuMs = r.runs.reduce((sum, run) => sum + (run.cpuMs ?? 0), 0);
    const wallMs = r.runs.reduce((sum, run) => sum + run.wallMs, 0);
    const peak = Math.max(...r.runs.map((run) => run.peakHeapMb ?? Number.NaN));
    const baseline = r.runs.find((run) => run.baselineHeapMb !== undefined)?.baselineHeapMb;
    const failed = r.runs.filter((run) => run.failure !== undefined).length;
    lines.push(
      `| ${r.scenario.label} | ${int(r.viewers)} | ${r.runs.length}${failed > 0 ? ` (${failed} failed)` : ""} | ${Number.isNaN(peak) ? "—" : peak} | ${baseline ?? "—"} | ${int(cpuMs)} | ${int(wallMs)} | ${fixed((cpuMs / r.viewers) * 1000)} | ${fixed((wallMs / r.viewers) * 1000)} | ${r.complete ? "yes" : "**no**"} |`,
    );
  }
  lines.push(
    "",
    "What the runs did, and what they cost at Upstash and DynamoDB:",
    "",
    "| scenario | seeding s | Redis MB seeded | windows synced | records | items written | items in table | write units | Redis requests | commands | MB sent | MB read |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  );
  for (const r of results) {
    const sum = (pick: (report: NonNullable<(typeof r.runs)[number]["report"]>) => number) =>
      r.runs.reduce((s, run) => s + (run.report ? pick(run.report) : 0), 0);
    lines.push(
      `| ${r.scenario.label} | ${fixed(r.seedMs / 1000)} | ${fixed(r.redisBytes / MB)} | ${sum((x) => x.windows)} of ${r.scenario.stages} | ${int(sum((x) => x.viewingRecords))} | ${int(sum((x) => x.items))} | ${int(r.table.items)} | ${int(sum((x) => x.writeUnits))} | ${int(r.redis.requests)} | ${int(r.redis.commands)} | ${fixed(r.redis.requestBytes / MB)} | ${fixed(r.redis.responseBytes / MB)} |`,
    );
  }
  lines.push("");
  for (const r of results) {
    const t = r.table;
    // An hour's index is dropped by the first run after its last window is synced: when the
    // window seeded (two before the clock's) was the last of its hour, that run is this one.
    const dropped = r.runs.reduce((sum, run) => sum + (run.report?.droppedIndexes ?? 0), 0);
    lines.push(
      `- ${r.scenario.label}: scenario ${fixed(r.scenarioMs / 1000)} s in all (stack, seeding, runs, check); the table holds ${int(t.snapshots)} snapshots (${int(t.snapshotViewers)} unique viewers) and ${int(t.records)} records of ${int(t.distinctViewers)} distinct viewers, ${int(t.watchSeconds)} s watched, in ${int(t.viewingItems)} items; ${int(dropped)} ended hourly indexes dropped. Breakdowns, countries: ${breakdown(t.countries)}; devices: ${breakdown(t.devices)}.`,
    );
  }
  for (const r of results.filter((result) => result.scenario.rollUp)) {
    const per = r.runs.map(
      (run, i) =>
        `run ${i + 1}: ${run.report?.windows ?? "?"} windows synced, ${run.report?.droppedIndexes ?? "?"} hours closed, ${int(run.wallMs)} ms wall, ${int(run.cpuMs ?? Number.NaN)} ms CPU, peak heap ${run.peakHeapMb ?? "?"} MB, ${int(r.runRedis[i]?.requests ?? Number.NaN)} Redis requests / ${int(r.runRedis[i]?.commands ?? Number.NaN)} commands`,
    );
    lines.push(
      `- ${r.scenario.label}: ${int(r.table.hourRollups)} hour and ${int(r.table.dayRollups)} day rollups in the table; ${per.join("; ")}.`,
    );
  }
  for (const r of results) {
    const last = r.runs.at(-1);
    const failed = r.runs.filter((run) => run.failure !== undefined);
    for (const run of failed) {
      lines.push(
        // A run killed by "heap out of memory" never reached the sampler's exit handler.
        `- ${r.scenario.label}: run ${r.runs.indexOf(run) + 1} failed after ${fixed(run.wallMs / 1000)} s (${run.cpuMs ?? "?"} ms CPU, peak heap ${run.peakHeapMb ?? "?"} MB${run.report ? `, ${run.report.windows} windows and ${run.report.items} items written` : ""}): ${run.failure}`,
      );
    }
    if (r.complete && last?.report) {
      const untilMs = (r.runs.length - 1) * CRON_PERIOD_MS + last.wallMs;
      const per = r.runs
        .map(
          (run) =>
            `${run.report?.windows ?? "?"} windows, ${run.report?.items ?? "?"} items, ${run.peakHeapMb ?? "?"} MB, ${run.wallMs} ms${run.failure ? " (failed)" : ""}`,
        )
        .join("; ");
      lines.push(
        `- ${r.scenario.label}: every window in DynamoDB ${fixed(untilMs / 1000)} s after the first run started` +
          (r.runs.length > 1 ? ` (${r.runs.length} cron runs 5 min apart: ${per})` : "") +
          `; ${r.windowsLeft} windows left in Redis.`,
      );
    } else if (!r.complete) {
      lines.push(
        `- ${r.scenario.label}: NOT complete: ${r.windowsLeft} windows left in Redis, ${r.table.items} items in the table (expected ${int(r.scenario.stages)} snapshots and ${int(r.viewers)} records).`,
      );
    }
  }
  return lines;
}

export function writeTables(w: WriteCompareResult): string[] {
  const job = stats(w.job);
  const bare = stats(w.bare);
  const ratio = stats(w.ratio);
  const row = (name: string, s: typeof job, digits: number) =>
    `| ${name} | ${fixed(s.min, digits)} | ${fixed(s.median, digits)} | ${fixed(s.max, digits)} |`;
  return [
    `Write phase, the same ${w.items} items (one 10,000-viewer window, packed), ${w.rounds} rounds in alternating order (A B, B A, ...), dynalite in another process:`,
    "",
    "| writer | min | median | max |",
    "|---|---:|---:|---:|",
    row("the job's batchWrite (4 calls in flight, retries), ms", job, 1),
    row("bare sequential BatchWriteItem loop, ms", bare, 1),
    row("ratio batchWrite / bare loop (per round)", ratio, 2),
    "",
    `Rounds, ms (batchWrite / bare): ${w.job.map((j, i) => `${fixed(j, 0)}/${fixed(w.bare[i]!, 0)}`).join(", ")}.`,
    "",
    "| items for one 10,000-viewer window | items | write units |",
    "|---|---:|---:|",
    `| packed (the job) | ${int(w.items)} | ${int(w.packedWriteUnits)} |`,
    `| one item per record | ${int(w.unpackedItems)} | ${int(w.unpackedWriteUnits)} |`,
    "",
    `Packing: ${fixed(w.unpackedWriteUnits / w.packedWriteUnits)} times fewer write units.`,
  ];
}
