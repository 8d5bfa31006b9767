import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where `npm start` leaves the worker's URL and keys for the scripts that drive it (`npm run
 * demo`): `.local/stack.json` in the project (gitignored), readable by this user only, removed
 * when `npm start` stops.
 */
export const STACK_FILE = join(
  fileURLToPath(new URL("../../", import.meta.url)),
  ".local",
  "stack.json",
);

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

/** What a running `npm start` left, or undefined when none is running (or it left nothing). */
export async function readStackFile(): Promise<StackFile | undefined> {
  const text = await readFile(STACK_FILE, "utf8").catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as StackFile);
}

export async function removeStackFile(): Promise<void> {
  await rm(STACK_FILE, { force: true });
}
