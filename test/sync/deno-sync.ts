import { type ProcessExit, runProcess } from "../../deploy/run-process";

/** The flags the Deno entry needs (see sync/deno-entry.ts): no more permissions than these. */
const DENO_FLAGS = [
  "run",
  "--allow-env",
  "--allow-net",
  "--allow-sys=osRelease",
  "--node-modules-dir=manual",
];

/**
 * One run of the sync job on Deno, `deno run ... sync/deno-entry.ts --once`, with `env` and
 * otherwise only PATH and HOME set (a fresh terminal, no colours).
 */
export function denoSyncOnce(env: Record<string, string>): Promise<ProcessExit> {
  return runProcess("npx", ["deno", ...DENO_FLAGS, "sync/deno-entry.ts", "--once"], {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NO_COLOR: "1", ...env },
  }).exited;
}
