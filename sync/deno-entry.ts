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
 * - `Deno.cron` is undefined without `--unstable-cron` outside Deno Deploy.
 */
import { parseConfig } from "@viewer-presence/shared/config";
import { SYNC_CRON } from "@viewer-presence/shared/windows";
import { formatReport, SyncRunError } from "./run-report";
import { syncOnce } from "./sync-once";

/** The cron's name (unique per Deno Deploy project) and schedule: every 5 minutes, one minute past each window (as wrangler.toml; see there), UTC. */
export const DENO_CRON_NAME = "viewer-presence-sync";
export const DENO_CRON_SCHEDULE = SYNC_CRON;

async function runOnce(): Promise<boolean> {
  try {
    // The JSON line goes to the log; the aligned report to whoever watches the terminal.
    const config = parseConfig(Deno.env.toObject());
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
  if (Deno.args.includes("--once")) {
    Deno.exit((await runOnce()) ? 0 : 1);
  }
  // Validate the configuration before scheduling anything, so a bad variable fails the start.
  parseConfig(Deno.env.toObject());
  if (typeof Deno.cron !== "function") {
    console.error(
      "Deno.cron is unavailable: run with --unstable-cron (or on Deno Deploy), or pass --once",
    );
    Deno.exit(2);
  }
  Deno.cron(DENO_CRON_NAME, DENO_CRON_SCHEDULE, async () => {
    await runOnce();
  });
  await runOnce();
}
