import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const LOCAL_DIR = join(fileURLToPath(new URL("../../", import.meta.url)), ".local");

/**
 * Where `npm start` leaves the worker's URL and keys for the scripts that drive it (`npm run
 * demo`): `.local/stack.json` in the project (gitignored), readable by this user only, removed
 * when `npm start` stops.
 */
export const STACK_FILE = join(LOCAL_DIR, "stack.json");

/**
 * Where `npm start` leaves the variables the worker runs with (the local Upstash endpoints and
 * tokens, DynamoDB, the keys), one `NAME=value` a line: `npm run sync` and `npm run sync:deno`
 * read it when the environment names no Upstash database (sync/local-stack-env.ts), so they run
 * against `npm start` with no variable set. Gitignored, this user only, removed on stop.
 */
export const STACK_ENV_FILE = join(LOCAL_DIR, "stack.env");

export interface StackFile {
  /** The worker, e.g. http://127.0.0.1:8787 */
  url: string;
  /** Each Upstash-compatible endpoint (their `/__stats` count commands). */
  upstashUrls: string[];
  adminKey: string;
  analyticsKey?: string;
}

export async function writeStackFile(info: StackFile): Promise<void> {
  await mkdir(dirname(STACK_FILE), { recursive: true });
  await writeFile(STACK_FILE, JSON.stringify(info), { mode: 0o600 });
}

/** Writes the worker's variables as `.local/stack.env` (values hold no newline; checked). */
export async function writeStackEnvFile(vars: Record<string, string>): Promise<void> {
  const lines = Object.entries(vars).map(([name, value]) => {
    if (!/^[A-Z][A-Z0-9_]*$/.test(name) || /[\r\n]/.test(value)) {
      throw new Error(`cannot write ${name} to ${STACK_ENV_FILE}`);
    }
    return `${name}=${value}`;
  });
  const header =
    "# Written by `npm start` for `npm run sync` and `npm run sync:deno`; removed when it stops.";
  await mkdir(dirname(STACK_ENV_FILE), { recursive: true });
  await writeFile(STACK_ENV_FILE, `${header}\n${lines.join("\n")}\n`, { mode: 0o600 });
}

/** What a running `npm start` left, or undefined when none is running (or it left nothing). */
export async function readStackFile(): Promise<StackFile | undefined> {
  const text = await readFile(STACK_FILE, "utf8").catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as StackFile);
}

/** Removes both files `npm start` wrote. */
export async function removeStackFile(): Promise<void> {
  await rm(STACK_FILE, { force: true });
  await rm(STACK_ENV_FILE, { force: true });
}
