import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";

/** How a process ended, and all it printed. */
export interface ProcessExit {
  /** The exit code; null when a signal ended it (negative, with `error`, when it never started). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Why it could not be started or signalled (e.g. ENOENT), if that happened. */
  error?: Error;
}

/** A process started by {@link runProcess}. */
export interface RunningProcess {
  child: ChildProcess;
  /** What it has printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves once it has ended and its output is closed; never rejects. */
  exited: Promise<ProcessExit>;
}

/**
 * Spawns `command` with `args`, keeping everything it prints on stdout and stderr. Its stdin is
 * a pipe unless `stdin` says otherwise (the deployment setup's commands get the terminal's).
 * The deployment setup runs its commands this way, and tests and benchmarks their children.
 */
export function runProcess(
  command: string,
  args: readonly string[],
  options: Omit<SpawnOptions, "stdio"> & { stdin?: "pipe" | "inherit" } = {},
): RunningProcess {
  const { stdin = "pipe", ...spawnOptions } = options;
  const child = spawn(command, args, { ...spawnOptions, stdio: [stdin, "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  let error: Error | undefined;
  child.stdout?.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  // A process that cannot start says so with `error`, then closes (code -2 for ENOENT).
  child.on("error", (cause) => {
    error ??= cause;
  });
  const exited = new Promise<ProcessExit>((resolve) => {
    child.on("close", (code, signal) =>
      resolve({ code, signal, stdout, stderr, ...(error ? { error } : {}) }),
    );
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}
