/**
 * Command line for the cost model:
 *
 *   npx tsx shared/cost/cli.ts --viewers 10000 [--stages 10 --interval 30 --commands 2
 *     --bytes 300 --packing 20 ...] [--json] [--seed]
 *
 * Prints every architecture's monthly bill by tier (or, with --seed, the seed document's
 * tables beside corrected figures). Bad flags print a readable error and exit with code 2.
 */
import { pathToFileURL } from "node:url";
import { compareArchitectures } from "./estimate";
import { formatComparison } from "./format";
import { measuredInputs, measuredWorkload } from "./measured";
import { renderSeedTableMarkdown, seedComparison } from "./seed-reproduction";
import { type Workload, WorkloadError } from "./workload";

type NumericField = Exclude<keyof Workload, "consistency">;

/** Numeric flags and the workload field each sets. */
const NUMERIC_FLAGS: Readonly<Record<string, NumericField>> = {
  viewers: "viewers",
  stages: "stages",
  interval: "heartbeatIntervalSec",
  ttl: "presenceTtlSec",
  "snapshot-interval": "snapshotIntervalSec",
  reads: "countReadsPerHeartbeat",
  commands: "redisCommandsPerHeartbeat",
  bytes: "redisBytesPerHeartbeat",
  "cpu-ms": "workerCpuMsPerHeartbeat",
  "sync-cpu-ms": "workerCpuMsPerSyncedViewer",
  tabs: "tabsPerViewer",
  "per-interval": "heartbeatsPerTabInterval",
  "header-bytes": "redisHeaderBytesPerHeartbeat",
  "count-headers": "redisBandwidthCountsHeaders",
  "redis-bytes-per-viewer": "redisBytesPerViewer",
  dashboards: "dashboards",
  "dashboard-poll": "dashboardPollSec",
  "do-ms": "durableObjectMsPerMessage",
  "heartbeat-item": "heartbeatItemSizeBytes",
  "snapshot-item": "snapshotItemSizeBytes",
  packing: "viewingRecordPackingFactor",
  "record-bytes": "viewingRecordBytes",
  hours: "hoursPerMonth",
  utilisation: "provisionedUtilisation",
  peak: "peakToAverage",
  "history-months": "historyMonths",
  "audit-days": "auditRetentionDays",
};

const BOOLEAN_FLAGS = ["json", "seed", "help"] as const;

export const USAGE = `Usage: npx tsx shared/cost/cli.ts --viewers N [options] [--json] [--seed]

Workload (defaults: the measured inputs in shared/cost/measured.ts, the rest in workload.ts):
${Object.entries(NUMERIC_FLAGS)
  .map(([flag, field]) => `  --${flag.padEnd(18)} ${field}`)
  .join("\n")}
  --consistency        eventual | strong

Output:
  --json               the raw estimates (or seed rows) as JSON
  --seed               the seed document's figures beside corrected ones (markdown)
  --help               this text`;

export class UsageError extends Error {
  override readonly name = "UsageError";
}

export interface CliOptions {
  workload: Partial<Workload>;
  json: boolean;
  seed: boolean;
  help: boolean;
}

/** Parses `--flag value` / `--flag=value` arguments; throws a UsageError for anything else. */
export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = { workload: {}, json: false, seed: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) throw new UsageError(`Unexpected argument "${arg}"`);
    const [name, inline] = splitFlag(arg.slice(2));
    if ((BOOLEAN_FLAGS as readonly string[]).includes(name)) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      options[name as (typeof BOOLEAN_FLAGS)[number]] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith("--"))) {
      throw new UsageError(`--${name} needs a value`);
    }
    if (name === "consistency") {
      if (value !== "eventual" && value !== "strong") {
        throw new UsageError(`--consistency must be "eventual" or "strong", got "${value}"`);
      }
      options.workload.consistency = value;
      continue;
    }
    const field = NUMERIC_FLAGS[name];
    if (field === undefined) throw new UsageError(`Unknown flag --${name}`);
    const number = Number(value.replaceAll("_", ""));
    if (value.trim() === "" || !Number.isFinite(number)) {
      throw new UsageError(`--${name} must be a number, got "${value}"`);
    }
    options.workload[field] = number;
  }
  return options;
}

function splitFlag(flag: string): [string, string | undefined] {
  const at = flag.indexOf("=");
  return at < 0 ? [flag, undefined] : [flag.slice(0, at), flag.slice(at + 1)];
}

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Runs the CLI; returns the exit code (0 ok, 2 bad usage or input). */
export function main(argv: readonly string[], io: CliIo): number {
  try {
    const options = parseArgs(argv);
    if (options.help) {
      io.out(USAGE);
      return 0;
    }
    // The measured inputs, as the API's estimateCost uses: one answer to one question.
    const given = { ...measuredInputs(), ...options.workload };
    const workload = measuredWorkload(options.workload);
    if (options.seed) {
      const { viewers: _ignored, ...assumptions } = given;
      const rows = seedComparison({ workload: assumptions });
      io.out(options.json ? JSON.stringify(rows, null, 2) : renderSeedTableMarkdown(rows));
      return 0;
    }
    const estimates = compareArchitectures(workload);
    io.out(
      options.json
        ? JSON.stringify({ workload, estimates }, null, 2)
        : formatComparison(estimates, workload),
    );
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof WorkloadError) {
      io.err(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

function invokedAsScript(): boolean {
  const script = process.argv[1];
  return script !== undefined && import.meta.url === pathToFileURL(script).href;
}

if (invokedAsScript()) {
  process.exitCode = main(process.argv.slice(2), {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  });
}
