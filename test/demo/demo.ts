/**
 * `npm run demo`: a simulated audience for a running `npm start`, so the console has something
 * to show. Viewers join three stages over the first minutes, peak, churn and leave, from
 * several countries and devices, a few with two tabs, each beating about every 30 s as the
 * typed client does; the sync job runs on the cron's schedule (or `--sync-every`) so history
 * appears. It prints the console's URL and key, a progress line, and a summary; it stops after
 * `--minutes` (default 10) or on Ctrl-C, and starts no process.
 */
import { parseArgs } from "node:util";
import { createPresenceClient } from "@viewer-presence/client";
import { SYNC_CRON } from "@viewer-presence/shared/windows";
import { readStackFile } from "../stack/stack-file";
import { planAudience, seededRandom } from "./audience-plan";
import { createDemoStages } from "./demo-stages";
import { type AudienceProgress, runAudience, wallClock } from "./run-audience";

const USAGE = `Usage: npm run demo -- [--minutes 10] [--viewers 300] [--stages 3] [--sync-every SECONDS]
       [--seed N] [--url http://127.0.0.1:8787] [--admin-key KEY]
Runs a simulated audience against \`npm start\` (its URL and key are read from .local/stack.json,
which npm start writes; or give --url and --admin-key / ADMIN_API_KEY).
Without --sync-every the sync job runs as the cron does: a minute past every 5-minute boundary.`;

/** The worker's cron expression (wrangler.toml), as `wrangler dev --test-scheduled` takes it. */

interface DemoOptions {
  minutes: number;
  viewers: number;
  stages: number;
  syncEverySec?: number;
  seed: number;
  url: string;
  adminKey: string;
  upstashUrls: string[];
}

async function parseOptions(argv: string[]): Promise<DemoOptions> {
  const { values } = parseArgs({
    args: argv,
    options: {
      minutes: { type: "string", default: "10" },
      viewers: { type: "string", default: "300" },
      stages: { type: "string", default: "3" },
      "sync-every": { type: "string" },
      seed: { type: "string" },
      url: { type: "string" },
      "admin-key": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) throw new Error("");
  const number = (name: string, raw: string, min: number, max: number) => {
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max)
      throw new Error(`--${name} must be a number from ${min} to ${max}, got "${raw}"`);
    return value;
  };
  const started = await readStackFile();
  const url = (
    values.url ??
    started?.url ??
    `http://127.0.0.1:${process.env.PORT || 8787}`
  ).replace(/\/$/, "");
  const adminKey = values["admin-key"] ?? process.env.ADMIN_API_KEY ?? started?.adminKey ?? "";
  if (adminKey === "") {
    throw new Error(
      "no admin key: start the stack with `npm start` first (it leaves its URL and key in .local/stack.json), or pass --admin-key KEY",
    );
  }
  return {
    minutes: number("minutes", values.minutes, 0.1, 24 * 60),
    viewers: Math.round(number("viewers", values.viewers, 1, 5000)),
    stages: Math.round(number("stages", values.stages, 1, 3)),
    ...(values["sync-every"] === undefined
      ? {}
      : { syncEverySec: number("sync-every", values["sync-every"], 10, 3600) }),
    seed:
      values.seed === undefined
        ? Date.now() % 1_000_000
        : Math.round(number("seed", values.seed, 0, 2 ** 31)),
    url,
    adminKey,
    upstashUrls: started?.url === url ? started.upstashUrls : [],
  };
}

/** Commands the local Upstash endpoints have counted so far (undefined when unreachable). */
async function commandsCounted(upstashUrls: string[]): Promise<number | undefined> {
  if (upstashUrls.length === 0) return undefined;
  try {
    const counts = await Promise.all(
      upstashUrls.map(
        async (url) =>
          ((await (await fetch(`${url}/__stats`)).json()) as { commands: number }).commands,
      ),
    );
    return counts.reduce((a, b) => a + b, 0);
  } catch {
    return undefined;
  }
}

/** Milliseconds until the cron's next run (a minute past each 5-minute boundary). */
function msUntilCron(nowMs: number): number {
  const period = 300_000;
  const next = Math.floor(nowMs / period) * period + 60_000;
  return (next > nowMs ? next : next + period) - nowMs;
}

function clock(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

async function main(): Promise<number> {
  let options: DemoOptions;
  try {
    options = await parseOptions(process.argv.slice(2));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(message === "" ? USAGE : `${message}\n\n${USAGE}`);
    return message === "" ? 0 : 2;
  }
  const client = createPresenceClient({ baseUrl: options.url, adminKey: options.adminKey });
  const health = await fetch(`${options.url}/health`).catch(() => undefined);
  if (health === undefined) {
    console.error(`Nothing answers at ${options.url}: start the stack with \`npm start\` first.`);
    return 1;
  }
  const runId = `demo-${Date.now().toString(36)}`;
  let stageIds: string[];
  try {
    stageIds = await createDemoStages(client, runId, options.stages);
  } catch (error) {
    console.error(
      `${error instanceof Error ? error.message : error} (is the admin key the one npm start printed?)`,
    );
    return 1;
  }
  const durationMs = options.minutes * 60_000;
  const plan = planAudience({
    viewers: options.viewers,
    stageIds,
    durationMs,
    random: seededRandom(options.seed),
    idPrefix: runId,
  });
  console.log(`Demo: ${options.viewers} viewers on ${stageIds.join(", ")} for ${options.minutes} min (seed ${options.seed}).

  Console:  ${options.url}/console/
  Key:      ${options.adminKey}   (paste it into the console; it stays in that tab only)

  Live counts move at once; charts appear after the first sync of a closed 5-minute window
  (${options.syncEverySec === undefined ? `the sync runs as the cron does, next in ${clock(msUntilCron(Date.now()))}` : `the sync runs every ${options.syncEverySec} s`}).
  Ctrl-C stops the audience (viewers leave) and prints the summary.
`);

  const stop = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    stop.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const syncs = { runs: 0, failed: 0 };
  const sync = async () => {
    const response = await fetch(
      `${options.url}/__scheduled?cron=${encodeURIComponent(SYNC_CRON)}`,
    ).catch(() => undefined);
    syncs.runs++;
    if (!response?.ok) syncs.failed++;
    await response?.body?.cancel();
  };
  let syncTimer: ReturnType<typeof setTimeout> | undefined;
  const scheduleSync = () => {
    const delay =
      options.syncEverySec === undefined ? msUntilCron(Date.now()) : options.syncEverySec * 1000;
    syncTimer = setTimeout(() => {
      void sync();
      scheduleSync();
    }, delay);
  };
  scheduleSync();

  const commandsBefore = await commandsCounted(options.upstashUrls);
  const tty = process.stdout.isTTY === true;
  let lastLine = 0;
  const progress = (p: AudienceProgress) => {
    const width = 24;
    const filled = Math.min(width, Math.round((p.elapsedMs / durationMs) * width));
    const line = `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${clock(p.elapsedMs)}/${clock(durationMs)}  watching ${String(p.watching).padStart(4)}  heartbeats ${p.heartbeats}  failed ${p.failures}  syncs ${syncs.runs}`;
    if (tty) process.stdout.write(`\r${line}`);
    else if (p.elapsedMs - lastLine >= 15_000) {
      lastLine = p.elapsedMs;
      console.log(line);
    }
  };

  const summary = await runAudience({
    client,
    plan,
    durationMs,
    clock: wallClock,
    signal: stop.signal,
    everyoneLeavesAtEnd: true,
    onProgress: progress,
  });
  clearTimeout(syncTimer);
  // One last sync, so the windows the run closed reach history without waiting for the cron.
  await sync();
  const commandsAfter = await commandsCounted(options.upstashUrls);
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  if (tty) process.stdout.write("\n");

  const failures = Object.entries(summary.failuresByStatus)
    .map(([status, count]) => `${count} × ${status === "0" ? "no answer" : status}`)
    .join(", ");
  const commands =
    commandsBefore !== undefined && commandsAfter !== undefined
      ? `\n  Redis commands     ${commandsAfter - commandsBefore} (all clients of this stack, the sync job included)`
      : "";
  console.log(`
Summary${stop.signal.aborted ? " (stopped early)" : ""}: ${clock(summary.elapsedMs)} of audience
  viewers            ${summary.viewers} (${summary.twoTabViewers} with two tabs), at most ${summary.peakWatching} at once
  heartbeats         ${summary.heartbeats} (${failures || "none refused"})
  leaves             ${summary.leaves}${summary.leavesRefused ? ` (${summary.leavesRefused} refused)` : ""}; the other viewers vanish and drop out within the presence TTL
  sync runs          ${syncs.runs}${syncs.failed ? ` (${syncs.failed} failed)` : ""}${commands}
  stages             ${stageIds.map((id) => `${options.url}/console/#/stages/${id}`).join("\n                     ")}`);
  return summary.failures > summary.heartbeats / 10 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
