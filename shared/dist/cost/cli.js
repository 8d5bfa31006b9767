/**
 * The cost model's command line, `npm run cost -- --viewers 10000 [options]` in the repository
 * (bin.ts when installed): this system's monthly bill and its alternatives' for an audience, or
 * with --seed the seed document's tables beside corrected figures. Bad flags print a readable
 * error and exit with code 2.
 */
import { pathToFileURL } from "node:url";
import { compareArchitectures } from "./estimate.js";
import { formatComparison } from "./format.js";
import { measuredInputs, measuredWorkload } from "./measured.js";
import { renderSeedTableMarkdown, seedComparison } from "./seed-reproduction.js";
import { WorkloadError } from "./workload.js";
const spec = (flag, field, arg, help) => ({
    flag,
    field,
    arg,
    help,
});
/** The numeric flags, grouped as the help shows them. */
const FLAG_GROUPS = [
    {
        title: "Your audience",
        flags: [
            spec("viewers", "viewers", "N", "concurrent viewers, on average while live"),
            spec("hours-live", "hoursLivePerDay", "H", "hours a day they watch (a 2-hour show: 2)"),
            spec("peak", "peakToAverage", "X", "peak viewers over the average; plans are sized for it"),
            spec("stages", "stages", "N", "live stages (streams) they are spread over"),
            spec("tabs", "tabsPerViewer", "X", "tabs or players a viewer has open, each beating"),
            spec("session-minutes", "sessionMinutes", "MIN", "how long a viewer stays (a leave each)"),
            spec("anonymous", "anonymousViewerShare", "0-1", "share of viewers without your token"),
            spec("interval", "heartbeatIntervalSec", "S", "seconds between a tab's heartbeats"),
            spec("history-months", "historyMonths", "N", "months of history kept so far (storage)"),
        ],
    },
    {
        title: "Per heartbeat (defaults measured on the local stack, shared/cost/measured.ts)",
        flags: [
            spec("commands", "redisCommandsPerHeartbeat", "N", "Upstash commands"),
            spec("bytes", "redisBytesPerHeartbeat", "B", "Upstash request + response body bytes"),
            spec("header-bytes", "redisHeaderBytesPerHeartbeat", "B", "HTTP header bytes both ways"),
            spec("count-headers", "redisBandwidthCountsHeaders", "0|1", "Upstash bills header bytes"),
            spec("cpu-ms", "workerCpuMsPerHeartbeat", "MS", "Worker CPU"),
            spec("per-interval", "heartbeatsPerTabInterval", "X", "heartbeats a tab sends an interval"),
            spec("leave-commands", "redisCommandsPerLeave", "N", "Upstash commands of a leave"),
            spec("ttl", "presenceTtlSec", "S", "seconds counted after a heartbeat"),
        ],
    },
    {
        title: "Sync job and history",
        flags: [
            spec("snapshot-interval", "snapshotIntervalSec", "S", "seconds between sync runs"),
            spec("sync-cpu-ms", "workerCpuMsPerSyncedViewer", "MS", "Worker CPU per viewer synced"),
            spec("packing", "viewingRecordPackingFactor", "N", "viewing records per DynamoDB item"),
            spec("record-bytes", "viewingRecordBytes", "B", "bytes of one viewing record"),
            spec("snapshot-item", "snapshotItemSizeBytes", "B", "bytes of a stage snapshot item"),
            spec("redis-bytes-per-viewer", "redisBytesPerViewer", "B", "Redis memory a viewer"),
            spec("dashboards", "dashboards", "N", "consoles open around the clock"),
            spec("dashboard-poll", "dashboardPollSec", "S", "seconds between a console's polls"),
            spec("invocation-logs", "invocationLogSampling", "0-1", "invocation logs' sampling rate"),
        ],
    },
    {
        title: "The alternatives",
        flags: [
            spec("reads", "countReadsPerHeartbeat", "N", "pure DynamoDB: count reads a heartbeat"),
            spec("heartbeat-item", "heartbeatItemSizeBytes", "B", "pure DynamoDB: heartbeat item"),
            spec("audit-days", "auditRetentionDays", "D", "batched writes: days events are kept"),
            spec("utilisation", "provisionedUtilisation", "0-1", "provisioned capacity's target"),
            spec("do-ms", "durableObjectMsPerMessage", "MS", "Durable Objects: time a message"),
            spec("hours", "hoursPerMonth", "H", "hours in a billing month"),
        ],
    },
];
const NUMERIC_FLAGS = new Map(FLAG_GROUPS.flatMap((g) => g.flags.map((f) => [f.flag, f.field])));
const BOOLEAN_FLAGS = ["json", "seed", "help"];
/** Width of the flag column in the help. */
const PAD = 29;
function defaultText(field, defaults) {
    if (field === "viewers")
        return "required";
    if (field === "presenceTtlSec")
        return `default 4 intervals: ${defaults.presenceTtlSec}`;
    return `default ${defaults[field]}`;
}
/** The help, written for someone deciding what to buy: every flag with its unit and default. */
export function usage() {
    const defaults = measuredWorkload();
    const lines = FLAG_GROUPS.flatMap((group) => [
        "",
        `${group.title}:`,
        ...group.flags.map((f) => `  --${`${f.flag} ${f.arg}`.padEnd(PAD)}${f.help} (${defaultText(f.field, defaults)})`),
    ]);
    return [
        "Usage: npm run cost -- --viewers N [options]",
        "  (installed: npx -p @viewer-presence/shared viewer-presence-cost --viewers N [options])",
        "",
        "What this system and its alternatives cost a month for your audience: this system's bill",
        "line by line, the range it moves in and why, the options a production setup adds, and the",
        "plan to buy. Prices carry their source and the day they were read (shared/cost/prices.ts).",
        "Units: S seconds, MS milliseconds, B bytes, H hours, D days, MIN minutes; N a count, X a",
        "ratio, 0-1 a share.",
        ...lines,
        `  --${"consistency eventual|strong".padEnd(PAD)}pure DynamoDB: count reads (default ${defaults.consistency})`,
        "",
        "Output:",
        `  --${"json".padEnd(PAD)}the estimates as JSON (every count, range and option)`,
        `  --${"seed".padEnd(PAD)}the original design's figures beside corrected ones (markdown)`,
        `  --${"help".padEnd(PAD)}this text`,
        "",
        "Example, a two-hour show a day peaking at twice its average:",
        "  npm run cost -- --viewers 10000 --hours-live 2 --peak 2",
    ].join("\n");
}
export class UsageError extends Error {
    name = "UsageError";
}
/** Parses `--flag value` / `--flag=value` arguments; throws a UsageError for anything else. */
export function parseArgs(argv) {
    const options = { workload: {}, json: false, seed: false, help: false };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (!arg.startsWith("--"))
            throw new UsageError(`Unexpected argument "${arg}"`);
        const [name, inline] = splitFlag(arg.slice(2));
        if (BOOLEAN_FLAGS.includes(name)) {
            if (inline !== undefined)
                throw new UsageError(`--${name} takes no value`);
            options[name] = true;
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
        const field = NUMERIC_FLAGS.get(name);
        if (field === undefined)
            throw new UsageError(`Unknown flag --${name}`);
        const number = Number(value.replaceAll("_", ""));
        if (value.trim() === "" || !Number.isFinite(number)) {
            throw new UsageError(`--${name} must be a number, got "${value}"`);
        }
        options.workload[field] = number;
    }
    return options;
}
function splitFlag(flag) {
    const at = flag.indexOf("=");
    return at < 0 ? [flag, undefined] : [flag.slice(0, at), flag.slice(at + 1)];
}
/** Runs the CLI; returns the exit code (0 ok, 2 bad usage or input). */
export function main(argv, io) {
    try {
        const options = parseArgs(argv);
        if (options.help) {
            io.out(usage());
            return 0;
        }
        // The measured inputs, as the API's estimateCost uses: one answer to one question.
        const given = { ...measuredInputs(), ...options.workload };
        if (options.seed) {
            const { viewers: _ignored, ...assumptions } = given;
            const rows = seedComparison({ workload: assumptions });
            io.out(options.json ? JSON.stringify(rows, null, 2) : renderSeedTableMarkdown(rows));
            return 0;
        }
        if (options.workload.viewers === undefined) {
            throw new UsageError("--viewers is required: concurrent viewers, on average while live");
        }
        const workload = measuredWorkload(options.workload);
        const estimates = compareArchitectures(workload);
        io.out(options.json
            ? JSON.stringify({ workload, estimates }, null, 2)
            : formatComparison(estimates, workload));
        return 0;
    }
    catch (error) {
        if (error instanceof UsageError || error instanceof WorkloadError) {
            io.err(`${error.message}\n\nEvery option, with its unit and default: npm run cost -- --help`);
            return 2;
        }
        throw error;
    }
}
function invokedAsScript() {
    const script = process.argv[1];
    return script !== undefined && import.meta.url === pathToFileURL(script).href;
}
if (invokedAsScript()) {
    process.exitCode = main(process.argv.slice(2), {
        out: (text) => process.stdout.write(`${text}\n`),
        err: (text) => process.stderr.write(`${text}\n`),
    });
}
