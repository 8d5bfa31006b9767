/**
 * The local stack for benchmarks, in a child process (test/stack/serve.ts), so that
 * redis-server's proxy and dynalite never share a CPU-time or heap figure with what is
 * measured. The proxy's counts are read over HTTP (`/__stats`), as any client would.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { LocalStackEnv } from "../stack";
import type { UpstashStats } from "../stack/upstash-proxy";

export interface BenchStack {
  /**
   * What points the app at the stack, and REDIS_COMMANDS_PER_SEC off (a billion): benches drive
   * injected or virtual clocks that stand still through a burst, on which a per-second command
   * budget never refills, and measure commands, not the budget (as test/test-env.ts does for
   * tests). A bench of the budget sets its own (overload-bench.ts).
   */
  env: LocalStackEnv & { REDIS_COMMANDS_PER_SEC: string };
  /** The (first) proxy's counts since the last reset. */
  stats(): Promise<UpstashStats>;
  /** Each database's proxy counts since the last reset. */
  statsOfEach(): Promise<UpstashStats[]>;
  /** Caps every database at this many commands per second (`undefined`: no cap). */
  limit(maxCommandsPerSecond: number | undefined): Promise<void>;
  resetStats(): Promise<void>;
  /**
   * The first database's calls by command since the last {@link resetCommandStats} (redis'
   * `INFO commandstats`, read through the Upstash endpoint), e.g. `{ bitfield: 1600, mget: 400 }`:
   * which commands a figure of commands per heartbeat is made of.
   */
  commandStats(): Promise<Record<string, number>>;
  resetCommandStats(): Promise<void>;
  /** Each database's endpoint's requests waiting on Redis (`/__waiting`). */
  waitingOfEach(): Promise<number[]>;
  /** Stops database `index`'s redis-server (SIGSTOP): a hung Redis behind a live endpoint. */
  stall(index: number): Promise<void>;
  /** Lets database `index`'s redis-server run again (SIGCONT). */
  resume(index: number): Promise<void>;
  /** Closes the child's stdin (serve.ts then stops the stack) and waits for it to exit. */
  stop(): Promise<void>;
}

export async function startBenchStack(options: { databases?: number } = {}): Promise<BenchStack> {
  const serve = fileURLToPath(new URL("../stack/serve.ts", import.meta.url));
  const args = ["--import", "tsx", serve, "--databases", String(options.databases ?? 1)];
  const child = spawn(process.execPath, args, {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = stdoutLines(child);
  const env = JSON.parse(await lines.next()) as LocalStackEnv;
  // serve.ts acknowledges each command with `ok <command>`, in order.
  const command = async (line: string) => {
    child.stdin?.write(`${line}\n`);
    const answer = await lines.next();
    if (answer !== `ok ${line}`) throw new Error(`the local stack answered "${answer}" to ${line}`);
  };
  const urls = env.UPSTASH_REDIS_REST_URL.split(",");
  const stats = async (path = "/__stats", method = "GET", url = urls[0]!, body?: string) => {
    const response = await fetch(`${url}${path}`, { method, ...(body ? { body } : {}) });
    return (await response.json()) as UpstashStats;
  };
  const redisCommand = async (command: string[]) => {
    const response = await fetch(urls[0]!, {
      method: "POST",
      headers: { authorization: `Bearer ${env.UPSTASH_REDIS_REST_TOKEN.split(",")[0]}` },
      body: JSON.stringify(command),
    });
    return ((await response.json()) as { result: unknown }).result;
  };
  return {
    env: { ...env, REDIS_COMMANDS_PER_SEC: "1000000000" },
    commandStats: async () => {
      const info = String(await redisCommand(["INFO", "commandstats"]));
      // Lines `cmdstat_<name>:calls=<n>,usec=…`; the stats' own CONFIG and INFO left out.
      const calls = [...info.matchAll(/^cmdstat_([\w|]+):calls=(\d+)/gm)]
        .filter(([, name]) => !name!.startsWith("config") && name !== "info")
        .map(([, name, count]) => [name!, Number(count)] as const);
      return Object.fromEntries(calls.sort((a, b) => b[1] - a[1]));
    },
    resetCommandStats: async () => {
      await redisCommand(["CONFIG", "RESETSTAT"]);
    },
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
    waitingOfEach: () =>
      Promise.all(
        urls.map(async (url) => {
          const response = await fetch(`${url}/__waiting`);
          return ((await response.json()) as { waiting: number }).waiting;
        }),
      ),
    stall: (index) => command(`stall ${index}`),
    resume: (index) => command(`resume ${index}`),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.stdin?.end();
      }),
  };
}

/** The child's stdout line by line: `next()` resolves with the next line not yet taken. */
function stdoutLines(child: ChildProcess) {
  const buffered: string[] = [];
  const waiting: { resolve: (line: string) => void; reject: (error: Error) => void }[] = [];
  let ended: Error | undefined;
  child.stdout?.setEncoding("utf8");
  createInterface({ input: child.stdout! }).on("line", (line) => {
    const reader = waiting.shift();
    if (reader) reader.resolve(line);
    else buffered.push(line);
  });
  const fail = (error: Error) => {
    ended ??= error;
    for (const reader of waiting.splice(0)) reader.reject(ended);
  };
  child.once("exit", (code) => fail(new Error(`the local stack exited (code ${code})`)));
  child.once("error", fail);
  return {
    next(): Promise<string> {
      const line = buffered.shift();
      if (line !== undefined) return Promise.resolve(line);
      if (ended) return Promise.reject(ended);
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
  };
}
