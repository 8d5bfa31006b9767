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
  /** The (first) proxy's counts since the last reset. */
  stats(): Promise<UpstashStats>;
  /** Each database's proxy counts since the last reset. */
  statsOfEach(): Promise<UpstashStats[]>;
  /** Caps every database at this many commands per second (`undefined`: no cap). */
  limit(maxCommandsPerSecond: number | undefined): Promise<void>;
  resetStats(): Promise<void>;
  /** Closes the child's stdin (serve.ts then stops the stack) and waits for it to exit. */
  stop(): Promise<void>;
}

export async function startBenchStack(options: { databases?: number } = {}): Promise<BenchStack> {
  const serve = fileURLToPath(new URL("../stack/serve.ts", import.meta.url));
  const args = ["--import", "tsx", serve, "--databases", String(options.databases ?? 1)];
  const child = spawn(process.execPath, args, {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const env = await firstJsonLine<LocalStackEnv>(child);
  const urls = env.UPSTASH_REDIS_REST_URL.split(",");
  const stats = async (path = "/__stats", method = "GET", url = urls[0]!, body?: string) => {
    const response = await fetch(`${url}${path}`, { method, ...(body ? { body } : {}) });
    return (await response.json()) as UpstashStats;
  };
  return {
    env,
    stats: () => stats(),
    statsOfEach: () => Promise.all(urls.map((url) => stats("/__stats", "GET", url))),
    limit: async (maxCommandsPerSecond) => {
      const body = JSON.stringify(
        maxCommandsPerSecond === undefined ? {} : { maxCommandsPerSecond },
      );
      await Promise.all(urls.map((url) => stats("/__limit", "POST", url, body)));
    },
    resetStats: async () => {
      await Promise.all(urls.map((url) => stats("/__stats/reset", "POST", url)));
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
