import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { captureOutput } from "./child-output";
import { findFreePort } from "./free-port";

export interface WranglerDevOptions {
  /** Port on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** Worker variables, passed as `--var KEY:VALUE` (values may contain ":"). */
  vars: Record<string, string>;
  /** Directory holding wrangler.toml. Default: the project root. */
  cwd?: string;
  /** Adds `--test-scheduled` (exposes `GET /__scheduled?cron=...`). */
  testScheduled?: boolean;
  /** Also copy wrangler's output (the worker's logs) here, e.g. `process.stdout` for `npm start`. */
  echo?: NodeJS.WritableStream;
  /**
   * Where the local Durable Objects, queues and caches keep their state (`--persist-to`).
   * Default: a new temporary directory for this instance, so instances running at once never
   * share one SQLite file (two that did logged SQLITE_BUSY, and their shards stopped flushing).
   * A restart that must find the objects' storage again passes the directory of the first run.
   */
  persistTo?: string;
  /** How long to wait for `/health` to answer, in ms. Default 60 000. */
  startTimeoutMs?: number;
}

export interface WranglerDevHandle {
  /** e.g. `http://127.0.0.1:8787` */
  url: string;
  /** The state directory it runs with (`persistTo`), for a restart that must find it again. */
  persistTo: string;
  /** The inspector's address (`http://127.0.0.1:<port>`; its `/json` lists the Worker's isolate). */
  inspectorUrl: string;
  /** SIGINT, wait for exit (SIGKILL to the process group after 5 s). Safe to call twice. */
  stop(): Promise<void>;
}

const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Runs `wrangler dev` on 127.0.0.1 with no network side effects (no metrics, no `cf` fetch,
 * no banner, config kept in `<project>/.local/wrangler-config`) and resolves once
 * `GET /health` answers with any status.
 *
 * It spawns wrangler's own CLI (`wrangler-dist/cli.js`) with this process's Node, not
 * `node_modules/.bin/wrangler`: that launcher re-spawns the CLI and turns SIGINT into
 * SIGTERM, and the CLI shuts workerd down cleanly only on SIGINT.
 */
export async function startWranglerDev(opts: WranglerDevOptions): Promise<WranglerDevHandle> {
  const cli = join(PROJECT_ROOT, "node_modules", "wrangler", "wrangler-dist", "cli.js");
  if (!existsSync(cli)) throw new Error(`wrangler is not installed (${cli} missing): npm ci`);
  const cwd = opts.cwd ?? PROJECT_ROOT;
  const port = opts.port === 0 ? await findFreePort() : opts.port;
  const inspectorPort = await findFreePort();
  const url = `http://127.0.0.1:${port}`;

  const args = [
    "--no-warnings",
    cli,
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--inspector-port",
    String(inspectorPort),
    "--show-interactive-dev-session=false",
  ];
  const persistTo = opts.persistTo ?? (await mkdtemp(join(tmpdir(), "wrangler-state-")));
  args.push("--persist-to", persistTo);
  if (opts.testScheduled) args.push("--test-scheduled");
  for (const [key, value] of Object.entries(opts.vars)) {
    if (key === "" || key.includes(":")) throw new Error(`invalid worker variable name ${key}`);
    // One `--var=K:V` per variable, so yargs cannot swallow a following argument.
    args.push(`--var=${key}:${value}`);
  }

  const child = spawn(process.execPath, args, {
    cwd,
    // Its own process group, so a forced stop can also reach workerd.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: "false",
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      WRANGLER_HIDE_BANNER: "true",
      XDG_CONFIG_HOME: join(PROJECT_ROOT, ".local", "wrangler-config"),
      NO_COLOR: "1",
    },
  });
  const output = captureOutput(child);
  if (opts.echo) {
    child.stdout?.pipe(opts.echo, { end: false });
    child.stderr?.pipe(opts.echo, { end: false });
  }
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const hasExited = () => child.exitCode !== null || child.signalCode !== null;
  const killGroup = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    } catch {
      // the group is already gone
    }
  };
  process.once("exit", killGroup);

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      process.off("exit", killGroup);
      if (!hasExited()) {
        child.kill("SIGINT");
        const timer = setTimeout(killGroup, 5000);
        await exited;
        clearTimeout(timer);
      }
      // Whatever wrangler left in its group (workerd) goes with it.
      killGroup();
    })();
    return stopped;
  };

  const timeoutMs = opts.startTimeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (hasExited()) {
      await stop();
      throw new Error(`wrangler dev exited before answering ${url}/health:\n${output()}`);
    }
    if (await answers(`${url}/health`)) {
      return { url, persistTo, inspectorUrl: `http://127.0.0.1:${inspectorPort}`, stop };
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `wrangler dev did not answer ${url}/health within ${timeoutMs} ms:\n${output()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.body?.cancel();
    return true;
  } catch {
    return false;
  }
}
