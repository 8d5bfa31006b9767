/**
 * `npm start`, then `npm run sync` and `npm run sync:deno -- --once` in another terminal with no
 * variable set, as the README's quick start does: the sync commands find the stack through
 * `.local/stack.env`, which `npm start` writes and removes when it stops.
 *
 * It runs test/start.ts itself (what `npm start` runs after building the console, which
 * `npm run console:check` keeps current) on free ports, and writes `.local/` of this checkout: it
 * is skipped while a stack someone started is running here (its `.local/stack.json` exists).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProcess } from "../../deploy/run-process";
import { findFreePort } from "../stack/free-port";
import { STACK_ENV_FILE, STACK_FILE } from "../stack/stack-file";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const someoneElsesStack = existsSync(STACK_FILE);

/** Runs a command with only PATH and HOME set (a fresh terminal), resolving when it exits. */
function run(command: string, args: string[]) {
  return runProcess(command, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NO_COLOR: "1" },
  }).exited;
}

let stack: ChildProcess | undefined;
let printed = "";

beforeAll(async () => {
  if (someoneElsesStack) return;
  const ports = {
    PORT: await findFreePort(),
    UPSTASH_PORT: await findFreePort(),
    REDIS_PORT: await findFreePort(),
    DYNAMODB_PORT: await findFreePort(),
  };
  stack = spawn(process.execPath, ["--import", "tsx", "test/start.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    },
  });
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      printed += chunk;
      if (printed.includes("Ctrl-C stops everything.")) resolve();
    };
    stack!.stdout!.on("data", onData);
    stack!.stderr!.on("data", onData);
    stack!.on("exit", (code) => reject(new Error(`npm start exited (${code}):\n${printed}`)));
  });
}, 120_000);

afterAll(async () => {
  if (stack === undefined || stack.exitCode !== null) return;
  const exited = new Promise((resolve) => stack!.on("exit", resolve));
  stack.kill("SIGINT");
  await exited;
}, 30_000);

describe.skipIf(someoneElsesStack)("the sync commands against npm start, no variable set", () => {
  it("npm start leaves the worker's variables in .local/stack.env", () => {
    expect(existsSync(STACK_ENV_FILE), printed).toBe(true);
  });

  it("npm run sync runs once and reports success", async () => {
    const { code, stdout, stderr } = await run("npm", ["run", "--silent", "sync"]);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stderr).toContain("using the local stack's variables from .local/stack.env");
    expect(stdout).toMatch(/^status +ok in \d+ ms$/m);
  }, 60_000);

  it("npm run sync:deno -- --once runs once and reports success", async () => {
    const { code, stdout, stderr } = await run("npm", [
      "run",
      "--silent",
      "sync:deno",
      "--",
      "--once",
    ]);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stderr).toContain("using the local stack's variables from .local/stack.env");
    expect(stdout).toMatch(/^status +ok in \d+ ms$/m);
  }, 90_000);

  it("removes .local/stack.env when it stops", async () => {
    const exited = new Promise((resolve) => stack!.on("exit", resolve));
    stack!.kill("SIGINT");
    await exited;
    expect(existsSync(STACK_ENV_FILE)).toBe(false);
    expect(existsSync(STACK_FILE)).toBe(false);
  }, 30_000);
});
