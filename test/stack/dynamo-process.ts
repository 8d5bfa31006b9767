import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createTableInput } from "@viewer-presence/shared/table";
import { captureOutput } from "./child-output";
import { type DynamoHandle, LOCAL_AWS, waitUntilActive } from "./dynamo";
import { findFreePort } from "./free-port";

export interface DynamoProcessHandle extends DynamoHandle {
  /** SIGSTOP: connections are accepted by the kernel but nothing is answered. */
  stall(): void;
  /** SIGCONT: answers again what it was sent meanwhile. */
  resume(): void;
  /** SIGKILL, and wait for the exit: connections reset, calls in flight get no answer. */
  kill(): Promise<void>;
  /** Kills it if it runs, then starts it again on the same port with the same data. */
  restart(): Promise<void>;
}

const HOST = "127.0.0.1";

/**
 * dynalite in a process of its own, for fault tests: a process can be stalled (SIGSTOP) and
 * killed, which the in-process server of `startDynamo` cannot without stopping the tests with
 * it. Its data lives in LevelDB in a temp dir, so a killed and restarted server still has
 * every item it confirmed, as DynamoDB has after an outage (an outage of DynamoDB loses
 * availability, not data). The table is created on the first start.
 */
export async function startDynamoProcess(opts: {
  tableName: string;
  startTimeoutMs?: number;
}): Promise<DynamoProcessHandle> {
  const dir = await mkdtemp(join(tmpdir(), "dynalite-stack-"));
  // dynalite's CLI treats port 0 as "no port" (it takes 4567), so the port is chosen here.
  const port = await findFreePort(HOST);
  const endpoint = `http://${HOST}:${port}`;
  const timeoutMs = opts.startTimeoutMs ?? 10_000;
  let child: ChildProcess | undefined;
  const end = async (signal: "SIGTERM" | "SIGKILL") => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGCONT");
    running.kill(signal);
    await exited;
  };
  let stopped: Promise<void> | undefined;
  const handle: DynamoProcessHandle = {
    endpoint,
    tableName: opts.tableName,
    stall: () => child?.kill("SIGSTOP"),
    resume: () => child?.kill("SIGCONT"),
    kill: () => end("SIGKILL"),
    async restart() {
      await end("SIGKILL");
      child = await spawnDynalite(port, dir, timeoutMs);
    },
    stop: () => {
      stopped ??= (async () => {
        await end("SIGTERM");
        await rm(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };

  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint });
  try {
    child = await spawnDynalite(port, dir, timeoutMs);
    await client.send(new CreateTableCommand(createTableInput(opts.tableName)));
    await waitUntilActive(client, opts.tableName);
  } catch (error) {
    await handle.stop();
    throw error;
  } finally {
    client.destroy();
  }
  return handle;
}

async function spawnDynalite(port: number, dir: string, timeoutMs: number) {
  const cli = createRequire(import.meta.url).resolve("dynalite/cli.js");
  const args = [cli, "--host", HOST, "--port", String(port), "--path", dir, "--createTableMs", "0"];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const output = captureOutput(child);
  // Never leave a dynalite behind when the test process ends without calling stop().
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  child.once("exit", () => process.off("exit", killOnExit));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`dynalite did not start within ${timeoutMs} ms`)),
        timeoutMs,
      );
      child.stdout.on("data", (chunk: Buffer) => {
        if (chunk.toString("utf8").includes("listening")) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`dynalite exited (code ${code}) before it listened`));
      });
    });
  } catch (error) {
    child.kill("SIGKILL");
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${reason}\ndynalite output:\n${output()}`, { cause: error });
  }
  return child;
}
