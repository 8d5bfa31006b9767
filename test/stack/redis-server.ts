import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { captureOutput } from "./child-output";
import { findFreePort } from "./free-port";

export interface RedisServerOptions {
  /** TCP port on 127.0.0.1; 0 or absent picks a free one. 6379 is refused (the machine's own). */
  port?: number;
  /** How long to wait for the first PONG, in ms. Default 10 000. */
  startTimeoutMs?: number;
}

export interface RedisServerHandle {
  host: string;
  port: number;
  /** SIGTERM, wait for exit (SIGKILL after 5 s), remove the temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";
const INSTALL_HINT =
  "redis-server was not found on PATH. Install it: `sudo apt-get install -y redis-server` " +
  "(Debian/Ubuntu) or `brew install redis` (macOS).";

/**
 * Starts a throwaway `redis-server` (the system binary) with no persistence, bound to
 * 127.0.0.1 on its own port and its own temp `--dir`, and resolves once it answers PING.
 */
export async function startRedisServer(opts: RedisServerOptions = {}): Promise<RedisServerHandle> {
  const binary = findOnPath("redis-server");
  if (binary === undefined) throw new Error(INSTALL_HINT);
  if (opts.port === 6379) {
    throw new Error("refusing port 6379: it belongs to the machine's own Redis; pass 0 instead");
  }
  const fixedPort = opts.port !== undefined && opts.port !== 0;
  const attempts = fixedPort ? 1 : 3;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = fixedPort ? (opts.port as number) : await findFreePort(HOST);
    try {
      return await launch(binary, port, opts.startTimeoutMs ?? 10_000);
    } catch (error) {
      lastError = error;
      // Only a port taken between probing and binding is worth another try.
      if (!(error instanceof Error && /address already in use/i.test(error.message))) throw error;
    }
  }
  throw lastError;
}

async function launch(
  binary: string,
  port: number,
  startTimeoutMs: number,
): Promise<RedisServerHandle> {
  const dir = await mkdtemp(join(tmpdir(), "redis-stack-"));
  const args = [
    "--port",
    String(port),
    "--bind",
    HOST,
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    dir,
    "--daemonize",
    "no",
  ];
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  const output = captureOutput(child);
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? (signal ? -1 : null)));
  });
  // Never leave a redis-server behind when the test process ends without calling stop().
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      process.off("exit", killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    })();
    return stopped;
  };

  try {
    await waitForPong(
      port,
      startTimeoutMs,
      () => child.exitCode !== null || child.signalCode !== null,
    );
  } catch (error) {
    await stop();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${reason}\nredis-server output:\n${output()}`, { cause: error });
  }
  return { host: HOST, port, stop };
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

async function waitForPong(port: number, timeoutMs: number, hasExited: () => boolean) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (hasExited()) throw new Error("redis-server exited before answering PING");
    if (await ping(port)) return;
    if (Date.now() > deadline) {
      throw new Error(`redis-server did not answer PING within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: HOST });
    let reply = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk: Buffer) => {
      reply += chunk.toString("utf8");
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG"));
    });
  });
}
