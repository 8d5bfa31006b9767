/**
 * The sync job on Deno: `Deno.cron` runs it every 5 minutes (on Deno Deploy, or locally with
 * `--unstable-cron`), plus once at start; `--once` runs once and exits (0, or 1 on failure).
 * With several Redis databases, SYNC_DATABASE_CONCURRENCY of them are synced at once.
 *
 *   deno run --allow-env --allow-net --allow-sys=osRelease --node-modules-dir=manual \
 *     --unstable-cron sync/deno-entry.ts
 *   deno run --allow-env --allow-net --allow-sys=osRelease --node-modules-dir=manual \
 *     sync/deno-entry.ts --once
 *
 * Tried with Deno 2.9.6 (`npx deno`):
 * - npm packages resolve from the project's node_modules with `--node-modules-dir=manual`
 *   (Deno also picks that mode by itself when package.json sits beside node_modules);
 * - extensionless relative imports (`../shared/config`) resolve with no flag in such a project
 *   (`--sloppy-imports` / `--unstable-sloppy-imports` are accepted and change nothing);
 * - `--allow-sys=osRelease`: the AWS SDK reads the OS release for its user agent;
 * - `--allow-read` is not needed while credentials come from the environment; the SDK's
 *   fallback to ~/.aws files (no AWS_ACCESS_KEY_ID) would need it;
 * - `Deno.cron` is undefined without `--unstable-cron` outside Deno Deploy;
 * - `--allow-read=.local/stack.env` (what `npm run sync:deno` passes) lets it read the local
 *   stack's variables while `npm start` runs (sync/local-stack-env.ts); without it the file is
 *   not read, and nothing is prompted for.
 */
import { parseConfig } from "@viewer-presence/shared/config";
import { SYNC_CRON } from "@viewer-presence/shared/windows";
import { LOCAL_STACK_ENV_PATH, LOCAL_STACK_NOTICE, withLocalStackEnv } from "./local-stack-env";
import { formatReport, SyncRunError } from "./run-report";
import { syncOnce } from "./sync-once";

/** The cron's name (unique per Deno Deploy project) and schedule: every 5 minutes, one minute past each window (as wrangler.toml; see there), UTC. */
export const DENO_CRON_NAME = "viewer-presence-sync";
export const DENO_CRON_SCHEDULE = SYNC_CRON;

/**
 * `.local/stack.env`'s text, or undefined when it is absent or reading it was not allowed (the
 * permission is queried first: an unallowed read would prompt at a terminal).
 */
function readLocalStackEnv(): string | undefined {
  const path = LOCAL_STACK_ENV_PATH;
  if (Deno.permissions.querySync({ name: "read", path }).state !== "granted") return undefined;
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return undefined;
  }
}

/** The environment, filled in from the local stack's file when it applies (and then said so). */
function environment(): Record<string, string | undefined> {
  const { env, use } = withLocalStackEnv(Deno.env.toObject(), readLocalStackEnv());
  if (use === "used") console.error(LOCAL_STACK_NOTICE);
  return env;
}

async function runOnce(env: Record<string, string | undefined>): Promise<boolean> {
  try {
    // The JSON line goes to the log; the aligned report to whoever watches the terminal.
    const config = parseConfig(env);
    const report = await syncOnce(config, { concurrency: config.syncDatabaseConcurrency });
    console.log(formatReport(report));
    return true;
  } catch (error) {
    if (error instanceof SyncRunError) console.error(formatReport(error.report));
    console.error(error);
    return false;
  }
}

if (import.meta.main) {
  const env = environment();
  if (Deno.args.includes("--once")) {
    Deno.exit((await runOnce(env)) ? 0 : 1);
  }
  // Validate the configuration before scheduling anything, so a bad variable fails the start.
  parseConfig(env);
  if (typeof Deno.cron !== "function") {
    console.error(
      "Deno.cron is unavailable: run with --unstable-cron (or on Deno Deploy), or pass --once",
    );
    Deno.exit(2);
  }
  Deno.cron(DENO_CRON_NAME, DENO_CRON_SCHEDULE, async () => {
    await runOnce(env);
  });
  await runOnce(env);
}
