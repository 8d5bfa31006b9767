/**
 * The sync job from Node: `npm run sync` runs once; `npm run sync -- --every 5m` runs at start
 * and then on every 5-minute boundary until SIGINT or SIGTERM, finishing the run in flight
 * first. Configuration comes from the environment (see shared/config.ts), filled in from
 * `.local/stack.env` while `npm start` runs (sync/local-stack-env.ts); with several Redis
 * databases, SYNC_DATABASE_CONCURRENCY of them are synced at once.
 */
import { readFileSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ConfigError, parseConfig } from "@viewer-presence/shared/config";
import { IntervalError, parseInterval } from "./every-period";
import { LOCAL_STACK_ENV_PATH, LOCAL_STACK_NOTICE, withLocalStackEnv } from "./local-stack-env";
import { formatReport, type RunReport, SyncRunError } from "./run-report";
import { runEvery, type ScheduleTimers } from "./schedule";
import { syncOnce } from "./sync-once";

export const USAGE = `usage: sync [--every <period>] [--json]
  (no option)       run once and exit: 0 when done, 1 when the run failed, 2 on bad input
  --every <period>  run now, then every period (30s, 5m, 1h) until SIGINT/SIGTERM
  --json            print each run's report as its JSON log line instead of aligned text`;

/** Thrown for command-line input the CLI cannot use (exit code 2). */
export class UsageError extends Error {
  override readonly name = "UsageError";
  readonly code = "usage";
}

export interface CliArgs {
  /** Period between runs, in ms; absent runs once. */
  everyMs?: number;
  json: boolean;
  help: boolean;
}

/** Reads the command line (arguments after the script). */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = { json: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--json") args.json = true;
    else if (arg === "--help" || arg === "-h") args.help = true;
    else if (arg === "--every" || arg.startsWith("--every=")) {
      const value = arg === "--every" ? argv[++i] : arg.slice("--every=".length);
      if (value === undefined || value === "") throw new UsageError("--every needs a period");
      try {
        args.everyMs = parseInterval(value);
      } catch (error) {
        if (error instanceof IntervalError) throw new UsageError(`--every: ${error.message}`);
        throw error;
      }
    } else throw new UsageError(`unknown argument "${arg}"`);
  }
  return args;
}

/** Where the CLI writes and how it hears signals; tests pass their own. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Calls `handler` on SIGINT/SIGTERM; returns a function that stops listening. */
  onStopSignal(handler: () => void): () => void;
  timers?: ScheduleTimers;
  /** Runs once with this configuration (default {@link syncOnce}). */
  sync?: typeof syncOnce;
}

/** Runs the CLI and resolves to its exit code. */
export async function main(
  argv: readonly string[],
  env: Record<string, unknown>,
  io: CliIo,
): Promise<number> {
  let args: CliArgs;
  let config: ReturnType<typeof parseConfig>;
  try {
    args = parseCliArgs(argv);
    if (args.help) {
      io.out(USAGE);
      return 0;
    }
    config = parseConfig(env);
  } catch (error) {
    if (error instanceof UsageError) io.err(`sync: ${error.message}\n${USAGE}`);
    else if (error instanceof ConfigError) io.err(`sync: ${error.message}`);
    else throw error;
    return 2;
  }
  const sync = io.sync ?? syncOnce;
  const print = (report: RunReport, to: (text: string) => void) => {
    if (!args.json) to(formatReport(report));
  };
  const runOnce = async (): Promise<boolean> => {
    try {
      const log = args.json ? io.out : () => {};
      print(await sync(config, { log, concurrency: config.syncDatabaseConcurrency }), io.out);
      return true;
    } catch (error) {
      if (error instanceof SyncRunError) print(error.report, io.err);
      else io.err(`sync: ${error instanceof Error ? `${error.name}: ${error.message}` : error}`);
      return false;
    }
  };

  if (args.everyMs === undefined) return (await runOnce()) ? 0 : 1;

  const schedule = runEvery({
    periodMs: args.everyMs,
    // Just past each window's close grace (10 s), so every run finds the window that just closed.
    offsetMs: Math.min(15_000, Math.floor(args.everyMs / 4)),
    run: runOnce,
    ...(io.timers ? { timers: io.timers } : {}),
  });
  const stopListening = io.onStopSignal(() => {
    io.err("sync: stopping after the run in flight");
    void schedule.stop();
  });
  await schedule.done;
  stopListening();
  return 0;
}

function nodeIo(): CliIo {
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    onStopSignal(handler) {
      let signals = 0;
      const listener = () => {
        // A second signal means "now": the run in flight is abandoned (its hot data stays).
        if (++signals > 1) process.exit(130);
        handler();
      };
      process.on("SIGINT", listener);
      process.on("SIGTERM", listener);
      return () => {
        process.off("SIGINT", listener);
        process.off("SIGTERM", listener);
      };
    },
  };
}

/** `.local/stack.env`'s text, or undefined when `npm start` is not running here. */
function readLocalStackEnv(): string | undefined {
  try {
    return readFileSync(new URL(`../${LOCAL_STACK_ENV_PATH}`, import.meta.url), "utf8");
  } catch {
    return undefined;
  }
}

const entry = process.argv[1];
// Run only when executed (tsx sync/...), not when imported; realpath so symlinks agree.
if (entry !== undefined && realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url))) {
  const { env, use } = withLocalStackEnv(process.env, readLocalStackEnv());
  if (use === "used") process.stderr.write(`${LOCAL_STACK_NOTICE}\n`);
  process.exitCode = await main(process.argv.slice(2), env, nodeIo());
}
