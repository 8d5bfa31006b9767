/**
 * What an open console costs in Redis: commands per minute, counted by the local Upstash
 * endpoint, for the Live page with N live stages (and the Stage page of one of them), against
 * the worker under `wrangler dev`, the console in headless Chromium.
 *
 * Each stage has one viewer beating about every 30 s (runAudience, as the demo does) so the
 * counts read real bitmaps. Each repetition measures a phase without the console (viewers
 * only) and a phase with it open, in alternating order; the console's cost is the difference.
 *
 *   npx tsx test/bench/console-bench.ts [--seconds 60] [--reps 3] [--stages 1,10,50]
 */
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { createPresenceClient } from "@viewer-presence/client";
import { launchChromium } from "../browser/chromium";
import type { ViewerPlan } from "../demo/audience-plan";
import { runAudience, wallClock } from "../demo/run-audience";
import { startWranglerDev } from "../stack";
import { TEST_ADMIN_KEY, TEST_TOKEN_SECRET, uniqueId } from "../test-env";
import { startBenchStack } from "./bench-stack";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "60" },
    reps: { type: "string", default: "3" },
    stages: { type: "string", default: "1,10,50" },
    pages: { type: "string", default: "live,stage" },
    "log-requests": { type: "boolean", default: false },
  },
});
const phaseMs = Number(values.seconds) * 1000;
const reps = Number(values.reps);
const stageCounts = values.stages.split(",").map(Number);

const stack = await startBenchStack();
// Playwright's own SIGINT/SIGTERM handlers close the browser but keep this process alive: on
// a signal, stop what was started (the stack; wrangler dev goes with this process) and exit.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void stack.stop().finally(() => process.exit(130));
  });
}
const browser = await launchChromium();

async function commands(): Promise<number> {
  return (await stack.stats()).commands;
}

/** Commands per minute during `phaseMs`, with the console open on `hash` or not at all. */
async function phase(url: string, hash: string | undefined): Promise<number> {
  const page = hash === undefined ? undefined : await browser.newPage();
  if (page) {
    await page.goto(`${url}/console/`);
    await page.fill("#key", TEST_ADMIN_KEY);
    await page.press("#key", "Enter");
    await page.waitForSelector("header");
    await page.goto(`${url}/console/${hash}`);
    await sleep(5000); // sign-in and first load are not the steady state
  }
  const requests = new Map<string, number>();
  page?.on("request", (request) => {
    const path = new URL(request.url()).pathname.replace(/\/stages\/[^/]+/, "/stages/{id}");
    requests.set(path, (requests.get(path) ?? 0) + 1);
  });
  const before = await commands();
  await sleep(phaseMs);
  if (values["log-requests"] && page)
    console.log("  requests in the phase:", Object.fromEntries(requests));
  const after = await commands();
  await page?.close();
  return ((after - before) * 60_000) / phaseMs;
}

const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `min ${sorted[0]!.toFixed(0)}, median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)}, max ${sorted[sorted.length - 1]!.toFixed(0)}`;
};

console.log(
  `console bench: ${reps} repetitions of ${phaseMs / 1000}-s phases, ${new Date().toISOString()}`,
);
const pages = values.pages.split(",");
const scenarios = [
  ...(pages.includes("live") ? stageCounts.map((n) => ({ stages: n, page: "live" as const })) : []),
  ...(pages.includes("stage")
    ? [{ stages: stageCounts[1] ?? stageCounts[0]!, page: "stage" as const }]
    : []),
];
for (const scenario of scenarios) {
  const prefix = `${uniqueId("cb")}:`;
  const worker = await startWranglerDev({
    port: 0,
    vars: {
      ...stack.env,
      ADMIN_API_KEY: TEST_ADMIN_KEY,
      VIEWER_TOKEN_SECRET: TEST_TOKEN_SECRET,
      REDIS_KEY_PREFIX: prefix,
    },
  });
  const client = createPresenceClient({ baseUrl: worker.url, adminKey: TEST_ADMIN_KEY });
  const stageIds: string[] = [];
  for (let i = 0; i < scenario.stages; i++) {
    const { data } = await client.POST("/v1/stages", { body: { title: `Bench ${i}` } });
    stageIds.push(data!.id);
  }
  const plan: ViewerPlan[] = stageIds.map((stageId, i) => ({
    viewerId: `viewer-${i}`,
    stageId,
    country: "DE",
    userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0",
    joinAtMs: (i * 30_000) / stageIds.length,
    leaveAtMs: Number.POSITIVE_INFINITY,
    tabs: 1,
    sendsLeave: true,
  }));
  const stop = new AbortController();
  const audience = runAudience({
    client,
    plan,
    durationMs: 24 * 3_600_000,
    clock: wallClock,
    signal: stop.signal,
  });
  await sleep(35_000); // every viewer has joined; the first heartbeats' scripts are done
  const hash = scenario.page === "live" ? "#/live" : `#/stages/${stageIds[0]}`;
  const withConsole: number[] = [];
  const without: number[] = [];
  const cost: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const order = rep % 2 === 0 ? [false, true] : [true, false];
    const figures: Record<string, number> = {};
    for (const open of order)
      figures[String(open)] = await phase(worker.url, open ? hash : undefined);
    withConsole.push(figures.true!);
    without.push(figures.false!);
    cost.push(figures.true! - figures.false!);
  }
  stop.abort();
  await audience;
  await worker.stop();
  console.log(
    `${scenario.page === "live" ? "Live page" : "Stage page"}, ${scenario.stages} live stages (1 viewer each): console ${summary(cost)} commands/min` +
      `  [with console ${summary(withConsole)}; viewers alone ${summary(without)}]`,
  );
}
await browser.close();
await stack.stop();
