/**
 * Runs the local stack in a process of its own and prints its variables as one JSON line, then
 * waits until stdin closes or a signal arrives and stops it. vitest's globalSetup starts it this
 * way so that the stack (and the AWS SDK inside it) runs under plain Node, whatever module
 * conditions the test project resolves with (the Workers project resolves browser builds).
 *
 * Lines on stdin control it, for benchmarks that stall a database from outside:
 * `stall <i>` stops database i's redis-server (SIGSTOP), `resume <i>` lets it run again
 * (SIGCONT); each is acknowledged with a line `ok <command>` on stdout.
 */
import { createInterface } from "node:readline";
import { startLocalStack } from "./index";

async function main(): Promise<void> {
  // `--databases N`: N redis-servers, each behind its own Upstash endpoint.
  const at = process.argv.indexOf("--databases");
  const databases = at >= 0 ? Number(process.argv[at + 1]) : 1;
  const stack = await startLocalStack({ databases });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    stack.stop().finally(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  const lines = createInterface({ input: process.stdin });
  lines.on("line", (line) => {
    const [command, index] = line.trim().split(/\s+/);
    const database = stack.databases[Number(index)];
    if ((command === "stall" || command === "resume") && database !== undefined) {
      if (command === "stall") database.redis.stall();
      else database.redis.resume();
      process.stdout.write(`ok ${line.trim()}\n`);
    } else {
      process.stdout.write(`error unknown command: ${line.trim()}\n`);
    }
  });
  lines.on("close", stop);
  process.stdout.write(`${JSON.stringify(stack.env)}\n`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
