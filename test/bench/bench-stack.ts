/**
 * The local stack for benchmarks, in a child process (test/stack/serve.ts), so that
 * redis-server's proxy and dynalite never share a CPU-time or heap figure with what is
 * measured. The proxy's counts are read over HTTP (`/__stats`), as any client would.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { LocalStackEnv } from "../stack";
import type { UpstashStats } from "../stack/upstash-proxy";

export interface BenchStack {
  env: LocalStackEnv;
  /** The proxy's counts since the last reset. */
  stats(): Promise<UpstashStats>;
  resetStats(): Promise<void>;
  /** Closes the child's stdin (serve.ts then stops the stack) and waits for it to exit. */
  stop(): Promise<void>;
}

export async function startBenchStack(): Promise<BenchStack> {
  const serve = fileURLToPath(new URL("../stack/serve.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", serve], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const env = await firstJsonLine<LocalStackEnv>(child);
  const stats = async (path = "/__stats", method = "GET") => {
    const response = await fetch(`${env.UPSTASH_REDIS_REST_URL}${path}`, { method });
    return (await response.json()) as UpstashStats;
  };
  return {
    env,
    stats: () => stats(),
    resetStats: async () => {
      await stats("/__stats/reset", "POST");
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.stdin?.end();
      }),
  };
}

function firstJsonLine<T>(child: ChildProcess): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let output = "";
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (chunk: string) => {
      output += chunk;
      const end = output.indexOf("\n");
      if (end >= 0) resolve(JSON.parse(output.slice(0, end)) as T);
    });
    child.once("exit", (code) => reject(new Error(`the local stack exited (code ${code})`)));
    child.once("error", reject);
  });
}
