/**
 * Benchmark of the sync job (`npm run bench`, after the heartbeat benchmark): memory and time
 * of production sync runs at scale over windows in the slot-bitmap layout the workers write
 * (docs/redis-layout.md), and its write phase against a bare BatchWriteItem loop.
 * Every server runs in a child process (test/stack/serve.ts) and every sync run in another,
 * capped at a Worker's 128 MB, so what is measured is the job alone. Prints markdown.
 *
 *   npx tsx test/bench/sync-bench.ts                 # one stage of 10k, 50k, 200k viewers
 *   npx tsx test/bench/sync-bench.ts --scale full    # also 1M on one stage, 10,000 x 100, and
 *                                                    # 10,000 x 100 with their hour closed
 *
 * Diagnosis (not for the tables of record): `--only <text>` runs the scenarios whose label holds
 * it, and skips the write comparison; `--heap-cap <MB>` changes the runs' cap; `--run-options
 * <json>` is passed to syncOnce, e.g. '{"deadlines":{"runMs":900000},"lockTtlMs":960000}';
 * `--node-flags <flags>` adds flags to the runs' node, e.g. "--max-semi-space-size=16".
 *
 * Absolute times are those of local servers on this machine, not of AWS; items, write units,
 * Redis requests, commands and bytes are what production would bill.
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { HEAP_CAP_MB, type RunSettings, runScenario, type Scenario } from "./sync-scale";
import { scaleTables, writeTables } from "./sync-tables";
import { compareWrites } from "./write-compare";

const DEFAULT_SCENARIOS: Scenario[] = [
  { label: "1 stage x 10,000", stages: 1, viewersPerStage: 10_000 },
  { label: "1 stage x 50,000", stages: 1, viewersPerStage: 50_000 },
  { label: "1 stage x 200,000", stages: 1, viewersPerStage: 200_000 },
];
/** Opt-in: each takes minutes (seeding a million viewers, then the runs). */
const FULL_SCENARIOS: Scenario[] = [
  { label: "1 stage x 1,000,000", stages: 1, viewersPerStage: 1_000_000 },
  { label: "10,000 stages x 100", stages: 10_000, viewersPerStage: 100 },
  { label: "10,000 stages x 100, hour closed", stages: 10_000, viewersPerStage: 100, rollUp: true },
];
/** Rounds of the write comparison: each writer runs once a round, first in half of them. */
const WRITE_ROUNDS = 10;

export async function benchSync(options: {
  scale: "default" | "full";
  only?: string;
  settings: RunSettings;
}): Promise<string> {
  const only = options.only;
  const scenarios =
    only !== undefined
      ? [...DEFAULT_SCENARIOS, ...FULL_SCENARIOS].filter((s) => s.label.includes(only))
      : [...DEFAULT_SCENARIOS, ...(options.scale === "full" ? FULL_SCENARIOS : [])];
  const results = [];
  for (const scenario of scenarios) {
    console.error(`sync bench: ${scenario.label} ...`);
    const result = await runScenario(scenario, options.settings);
    console.error(
      `sync bench: ${scenario.label}: ${result.complete ? "complete" : "NOT complete"} in ${result.runs.length} run(s), scenario ${(result.scenarioMs / 1000).toFixed(1)} s`,
    );
    results.push(result);
  }
  if (only !== undefined) return scaleTables(results).join("\n");
  console.error("sync bench: write phase comparison ...");
  const writes = await compareWrites(WRITE_ROUNDS);
  return [...scaleTables(results), "", ...writeTables(writes)].join("\n");
}

/** `--name value` or `--name=value`. */
function arg(argv: string[], name: string): string | undefined {
  const at = argv.indexOf(name);
  return at >= 0
    ? argv[at + 1]
    : argv.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

function scaleArg(argv: string[]): "default" | "full" {
  const value = arg(argv, "--scale");
  if (value === undefined || value === "default") return "default";
  if (value === "full") return "full";
  throw new Error(`--scale must be "default" or "full", not ${JSON.stringify(value)}`);
}

const entry = process.argv[1];
// Run only when executed, not when imported; realpath so symlinks agree.
if (entry !== undefined && realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url))) {
  const argv = process.argv.slice(2);
  const heapCapMb = Number(arg(argv, "--heap-cap") ?? HEAP_CAP_MB);
  if (!(heapCapMb > 0)) throw new Error("--heap-cap must be a number of MB");
  const runOptions = arg(argv, "--run-options");
  const nodeFlags = arg(argv, "--node-flags")?.split(" ");
  console.log(
    await benchSync({
      scale: scaleArg(argv),
      only: arg(argv, "--only"),
      settings: {
        heapCapMb,
        ...(runOptions ? { runOptions: JSON.parse(runOptions) } : {}),
        ...(nodeFlags ? { nodeFlags } : {}),
      },
    }),
  );
}
