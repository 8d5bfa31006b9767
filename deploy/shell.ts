import { runProcess } from "./run-process";

/** One command the deployment setup runs (or, in a dry run, prints). */
export interface Command {
  /** The program and its arguments, e.g. `["aws", "dynamodb", "describe-table", ...]`. */
  args: string[];
  /** Why, printed beside the command. */
  why: string;
  /** A failure whose output matches this counts as done (e.g. "already exists"). */
  alreadyDone?: RegExp;
  /** Its output holds a secret: never echoed. */
  secretOutput?: boolean;
  /** What a dry run answers in its place: a placeholder output, or a failure (default ""). */
  dry?: { stdout?: string; fails?: boolean };
}

export interface CommandResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/** Runs (or prints) a command. A failure not marked `alreadyDone` is returned, not thrown. */
export type Shell = (command: Command) => Promise<CommandResult>;

/** An argument as a POSIX shell would need it, so a printed command pastes as it is. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** The command as one line, with `npx` before the project's own tools. */
export function commandLine({ args }: Pick<Command, "args">): string {
  const [program, ...rest] = args;
  const shown =
    program === "wrangler" || program === "tsx" ? ["npx", ...args] : [program!, ...rest];
  return shown.map(shellQuote).join(" ");
}

/**
 * The environment wrangler runs with here: no telemetry (also `send_metrics = false` in
 * wrangler.toml), no banner.
 */
export const WRANGLER_ENV = { WRANGLER_SEND_METRICS: "false", WRANGLER_HIDE_BANNER: "true" };

/** Prints each command and answers with its `dry` placeholder: nothing runs, nothing is sent. */
export function dryShell(print: (line: string) => void): Shell {
  return async (command) => {
    print(`$ ${commandLine(command)}\n    # ${command.why}`);
    const fails = command.dry?.fails === true;
    return { ok: !fails, stdout: command.dry?.stdout ?? "", stderr: "" };
  };
}

/** Runs each command (echoed first), with `npx` before the project's tools. */
export function realShell(print: (line: string) => void): Shell {
  return (command) => {
    print(`$ ${commandLine(command)}`);
    const [program, ...rest] = command.args;
    const npx = program === "wrangler" || program === "tsx";
    const { exited } = runProcess(npx ? "npx" : program!, npx ? command.args : rest, {
      env: { ...process.env, ...WRANGLER_ENV },
      stdin: "inherit",
    });
    return exited.then(({ code, stdout, stderr, error }) => {
      // A command that could not start (not installed): its error stands for its stderr.
      if (error) return { ok: false, stdout, stderr: String(error) };
      if (!command.secretOutput && stdout.trim() !== "") print(stdout.trimEnd());
      const done = code !== 0 && command.alreadyDone?.test(`${stdout}\n${stderr}`) === true;
      if (code !== 0 && !done) print(stderr.trimEnd());
      return { ok: code === 0 || done, stdout, stderr };
    });
  };
}
