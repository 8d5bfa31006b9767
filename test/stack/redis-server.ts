import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { captureOutput } from "./child-output";
import { findFreePort } from "./free-port";
import { RespError } from "./resp";
import { openRespConnection } from "./resp-connection";

export interface RedisServerOptions {
  /** TCP port on 127.0.0.1; 0 or absent picks a free one. 6379 is refused (the machine's own). */
  port?: number;
  /** How long to wait for the first PONG, in ms. Default 10 000. */
  startTimeoutMs?: number;
}

export interface RedisServerHandle {
  host: string;
  port: number;
  /**
   * SIGSTOP: the process keeps its port and its connections, and the kernel still accepts new
   * ones, but nothing is answered; what a hung Redis looks like from outside.
   */
  stall(): void;
  /** SIGCONT: answers again, on the same connections, everything it was sent meanwhile. */
  resume(): void;
  /** SIGKILL, and wait for the exit: connections reset, the in-memory data is gone. */
  kill(): Promise<void>;
  /**
   * Kills it if it runs, then starts a new redis-server on the same port: empty, or with the
   * data of the last `save()` if there was one.
   */
  restart(): Promise<void>;
  /**
   * SAVE: writes the data to disk (RDB) as Redis' own persistence does, so a later `restart()`
   * starts from it: a Redis that comes back from its last persistence point, without what was
   * written after it.
   */
  save(): Promise<void>;
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
  let server: RedisProcess;
  try {
    server = await spawnRedis(binary, port, dir, startTimeoutMs);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    host: HOST,
    port,
    stall: () => server.signal("SIGSTOP"),
    resume: () => server.signal("SIGCONT"),
    kill: () => server.kill(),
    async restart() {
      await server.kill();
      server = await spawnRedis(binary, port, dir, startTimeoutMs);
    },
    async save() {
      const connection = await openRespConnection(port, HOST);
      try {
        const [reply] = await connection.send([["SAVE"]]);
        if (reply instanceof RespError) throw new Error(`SAVE failed: ${reply.message}`);
      } finally {
        await connection.close();
      }
    },
    stop: () => {
      stopped ??= (async () => {
        await server.stop();
        await rm(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}

/** One redis-server process; a handle may go through several (restart). */
interface RedisProcess {
  signal(signal: "SIGSTOP" | "SIGCONT"): void;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

async function spawnRedis(
  binary: string,
  port: number,
  dir: string,
  startTimeoutMs: number,
): Promise<RedisProcess> {
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
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  // Never leave a redis-server behind when the test process ends without calling stop().
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const end = async (signal: "SIGTERM" | "SIGKILL") => {
    process.off("exit", killOnExit);
    if (!running()) return;
    // A stopped process acts on SIGTERM only once it runs again.
    child.kill("SIGCONT");
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };
  const redisProcess: RedisProcess = {
    signal: (signal) => {
      if (running()) child.kill(signal);
    },
    kill: () => end("SIGKILL"),
    stop: () => end("SIGTERM"),
  };

  try {
    await waitForPong(port, startTimeoutMs, () => !running());
  } catch (error) {
    await redisProcess.stop();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${reason}\nredis-server output:\n${output()}`, { cause: error });
  }
  return redisProcess;
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
