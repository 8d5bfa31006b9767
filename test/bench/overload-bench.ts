/**
 * Heartbeats at 0.5x, 1x and 2x a capped database's rate, in the Workers runtime, with the
 * edge's command budget set to that rate and without it (`npx tsx test/bench/overload-bench.ts`,
 * also in `npm run bench`; `--cap`, `--budget`, `--seconds`, `--runs`, `--levels`). Prints markdown.
 *
 * Everything measured runs outside this process: the stack (one redis-server behind its Upstash
 * endpoint, dynalite) in one child (bench-stack.ts), each worker under `wrangler dev` (workerd)
 * in its own. The endpoint is capped at `--cap` C commands/s and throttles as Upstash describes
 * (a request over the cap waits in line, and fails only after 5 s: upstash-throughput.ts).
 *
 * Two workers on the same stage and keys: `budget` (REDIS_COMMANDS_PER_SEC = `--budget`, C unless
 * told: an operator's budget below the cap leaves the database a margin; in commands as
 * Upstash bills them: calls past it are answered 503 + Retry-After: 1 unsent, edge/redis-guard.ts)
 * and `no budget` (bench-stack.ts turns it off; breaker and in-flight cap as in both). Viewers (enough that
 * each beats at most every 8 s, under the per-viewer limit) hold tickets from a warm-up, as the
 * typed client does, so a heartbeat is about one command. Per run, each worker in turn (the
 * order alternates between runs) is offered C/2, C and 2C heartbeats/s for `--seconds` each, in
 * an open loop (levels ascending in even runs, descending in odd), with a pause between levels
 * until the endpoint's line has drained.
 *
 * Reported per worker and level, min / median / max over the runs: the rate actually offered;
 * p50 / p99 of the heartbeats answered 200; the shares answered 200, 503 at once (under 900 ms:
 * refused unsent; how many carried Retry-After: 1, the budget's), 503 after the 1 s deadline,
 * and anything else; the commands the endpoint ran per second of the level (its line drained
 * included), and the requests it made wait (with their mean wait). Then the guards' log lines
 * summed over the whole run.
 */
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { VIEWER_ROUTE_DEADLINES } from "@viewer-presence/shared/deadlines";
import { startWranglerDev } from "../stack";
import type { UpstashStats } from "../stack/upstash-proxy";
import type { WranglerDevHandle } from "../stack/wrangler-dev";
import { uniqueId } from "../test-env";
import { type BenchStack, startBenchStack } from "./bench-stack";
import { type GuardLogSum, guardLogReader } from "./guard-log";
import { beat, type Outcome, offer, outcomeOf, type Viewer, viewersOf } from "./open-loop";

const ADMIN = "bench-admin-key-0123456789";
const SECRET = "bench-viewer-token-secret-0123456789abcdef";
const CLIENT_TIMEOUT_MS = 30_000;
/** A 503 faster than this was refused unsent; the heartbeat's Redis deadline is 1,000 ms. */
const FAST_BELOW_MS = 0.9 * VIEWER_ROUTE_DEADLINES.redis.timeoutMs;
/** Each viewer beats at most this often (the per-viewer limit allows 6 per 30 s). */
const VIEWER_EVERY_SEC = 8;

const { values: args } = parseArgs({
  options: {
    cap: { type: "string", default: "40" },
    budget: { type: "string" },
    seconds: { type: "string", default: "20" },
    runs: { type: "string", default: "3" },
    levels: { type: "string", default: "0.5,1,2" },
  },
});
/**
 * The database's cap, commands/s, and the budget worker's REDIS_COMMANDS_PER_SEC: 40 by default,
 * so that 2x (80 heartbeats/s) stays under what one wrangler dev isolate carries on a shared
 * 2-core machine. At 200 (400/s) and 75 (150/s) the isolate itself, not the database, gave way
 * (BENCHMARKS.md, "Overload").
 */
const CAP = Number(args.cap);
/** The budget worker's REDIS_COMMANDS_PER_SEC: the cap unless `--budget` sets it below. */
const BUDGET = Number(args.budget ?? args.cap);
const LEVEL_MS = Number(args.seconds) * 1000;
const RUNS = Number(args.runs);
const LEVELS = args.levels.split(",").map(Number);

interface Worker {
  name: string;
  dev: WranglerDevHandle;
  logged: Map<number, GuardLogSum>;
}

/** What one row measures: a worker, against the capped database or with no cap at all. */
interface Setup {
  name: string;
  worker: Worker;
  capped: boolean;
}

/** One level on one worker: what the answers came to, and what the endpoint did meanwhile. */
interface Measured extends Outcome {
  commandsPerSec: number;
  delayed: number;
  delayedMeanMs: number;
  throttled: number;
}

async function startWorker(stack: BenchStack, name: string, vars: Record<string, string>) {
  const env = stack.env as unknown as Record<string, string>;
  const logged: Worker["logged"] = new Map();
  const dev = await startWranglerDev({
    port: 0,
    vars: {
      ...env,
      ADMIN_API_KEY: ADMIN,
      VIEWER_TOKEN_SECRET: SECRET,
      REDIS_KEY_PREFIX: "ovl:",
      ...vars,
    },
    echo: guardLogReader(logged),
  });
  return { name, dev, logged } satisfies Worker;
}

/** The endpoint's counts once its line is empty: unchanged over two reads 500 ms apart. */
async function settledStats(stack: BenchStack): Promise<UpstashStats> {
  let last = await stack.stats();
  for (let i = 0; i < 20; i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = await stack.stats();
    const [waiting] = await stack.waitingOfEach();
    if (waiting === 0 && now.requests + now.throttled === last.requests + last.throttled) {
      return now;
    }
    last = now;
  }
  return last;
}

async function measureLevel(stack: BenchStack, setup: Setup, viewers: Viewer[], level: number) {
  const { worker } = setup;
  await stack.limit(setup.capped ? CAP : undefined);
  await stack.resetStats();
  const levelMs = LEVEL_MS;
  const { answers, sendMs } = await offer(
    worker.dev.url,
    viewers,
    level * CAP,
    levelMs,
    CLIENT_TIMEOUT_MS,
  );
  const stats = await settledStats(stack);
  // The sliding window and the budget's bucket hold one second; let both empty.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  return {
    ...outcomeOf(answers, sendMs, FAST_BELOW_MS),
    commandsPerSec: (stats.commands * 1000) / levelMs,
    delayed: stats.delayed,
    delayedMeanMs: stats.delayed === 0 ? 0 : stats.delayedMs / stats.delayed,
    throttled: stats.throttled,
  } satisfies Measured;
}

/** Every viewer gets a ticket (uncapped, `noBudget`), then beats once through each worker. */
async function warmUp(stack: BenchStack, workers: Worker[], viewers: Viewer[]) {
  await stack.limit(undefined);
  for (let at = 0; at < viewers.length; at += 50) {
    const batch = viewers.slice(at, at + 50);
    const answers = await Promise.all(batch.map((v) => beat(workers[0]!.dev.url, v, 5e3)));
    const failed = answers.filter((a) => a.status !== 200);
    if (failed.length > 0) {
      throw new Error(`warm-up: ${failed.length} failed (${failed.map((a) => a.status)})`);
    }
  }
  for (const worker of workers) {
    // Under the budget worker's rate, so that it refuses none.
    const perSec = 0.75 * Math.min(CAP, BUDGET);
    const { answers } = await offer(
      worker.dev.url,
      viewers,
      perSec,
      (viewers.length / perSec) * 1000,
      5e3,
    );
    const failed = answers.filter((a) => a.status !== 200).length;
    if (failed > 0) console.error(`warm-up through ${worker.name}: ${failed} not 200`);
  }
}

const fmt = (values: number[], digits = 0) => {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return [sorted[0]!, median, sorted.at(-1)!].map((v) => v.toFixed(digits)).join(" / ");
};
const share = (part: (m: Measured) => number) => (ms: Measured[]) =>
  fmt(
    ms.map((m) => (100 * part(m)) / m.sent),
    1,
  );

function printTable(results: Map<string, Measured[]>, setups: Setup[]) {
  console.log(
    "| level | worker | offered heartbeats/s | p50 ms (200s) | p99 ms (200s) | 200 % | 503 at once % | of which Retry-After: 1 % | 503 after the deadline % | other % | endpoint commands/s | requests delayed | mean delay ms | failed after the wait |",
  );
  console.log(`| ---: | --- |${" ---: |".repeat(12)}`);
  for (const level of LEVELS) {
    for (const setup of setups) {
      const ms = results.get(`${level}|${setup.name}`)!;
      const cells = [
        fmt(ms.map((m) => m.offeredPerSec)),
        fmt(ms.map((m) => m.p50)),
        fmt(ms.map((m) => m.p99)),
        share((m) => m.ok)(ms),
        share((m) => m.shedAtOnce)(ms),
        share((m) => m.shedByBudget)(ms),
        share((m) => m.deadline)(ms),
        share((m) => m.other)(ms),
        fmt(ms.map((m) => m.commandsPerSec)),
        fmt(ms.map((m) => m.delayed)),
        fmt(ms.map((m) => m.delayedMeanMs)),
        fmt(ms.map((m) => m.throttled)),
      ];
      console.log(`| ${level}x | ${setup.name} | ${cells.join(" | ")} |`);
    }
  }
}

async function main() {
  const stack = await startBenchStack({ databases: 1 });
  const workers: Worker[] = [];
  try {
    workers.push(await startWorker(stack, "no budget", {}));
    workers.push(await startWorker(stack, "budget", { REDIS_COMMANDS_PER_SEC: String(BUDGET) }));
    const stageId = uniqueId("overload");
    const created = await fetch(`${workers[0]!.dev.url}/v1/stages`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: JSON.stringify({ id: stageId, title: stageId }),
    });
    if (created.status !== 201) throw new Error(`createStage: ${created.status}`);
    const poolSize = Math.ceil(Math.max(...LEVELS) * CAP * VIEWER_EVERY_SEC);
    const viewers = await viewersOf(SECRET, stageId, "v", poolSize);
    const warmStart = performance.now();
    await warmUp(stack, workers, viewers);
    console.error(
      `warm-up: ${poolSize} viewers, ${((performance.now() - warmStart) / 1000).toFixed(0)} s`,
    );

    // The uncapped row: the same heartbeats with nothing capped, what the isolate itself carries.
    const setups: Setup[] = [
      { name: "no budget", worker: workers[0]!, capped: true },
      { name: "budget", worker: workers[1]!, capped: true },
      { name: "uncapped database, no budget", worker: workers[0]!, capped: false },
    ];
    const results = new Map<string, Measured[]>();
    const loadBefore = loadavg()[0]!;
    const startedAt = new Date();
    for (let run = 0; run < RUNS; run++) {
      const order = run % 2 === 0 ? setups : [...setups].reverse();
      const levels = run % 2 === 0 ? LEVELS : [...LEVELS].reverse();
      for (const setup of order) {
        for (const level of levels) {
          const measured = await measureLevel(stack, setup, viewers, level);
          const key = `${level}|${setup.name}`;
          results.set(key, [...(results.get(key) ?? []), measured]);
          console.error(
            `run ${run + 1}/${RUNS} ${setup.name} ${level}x: offered ${measured.offeredPerSec.toFixed(0)}/s, 200 ${measured.ok}/${measured.sent}, p99 ${measured.p99.toFixed(0)} ms, 503 at once ${measured.shedAtOnce} (budget ${measured.shedByBudget}), after deadline ${measured.deadline}, other ${measured.other}; endpoint ${measured.commandsPerSec.toFixed(0)} commands/s, ${measured.delayed} delayed, ${measured.throttled} failed after the wait; load ${loadavg()[0]!.toFixed(1)}`,
          );
        }
      }
    }
    // The guards log at most once per 10 s: wait, and one more heartbeat each flushes the rest.
    await new Promise((resolve) => setTimeout(resolve, 10_500));
    for (const worker of workers) await beat(worker.dev.url, viewers[0]!, 5e3);
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const cpu = cpus();
    console.log(
      `\nOverload: one database capped at ${CAP} commands/s (waits, then fails after 5 s), the budget worker's REDIS_COMMANDS_PER_SEC ${BUDGET}, heartbeats offered at ${LEVELS.map((l) => `${l}x`).join(", ")} for ${LEVEL_MS / 1000} s each, worker under wrangler dev, ${RUNS} runs alternating; ${startedAt.toISOString()}; ${cpu.length} x ${cpu[0]?.model ?? "?"}; load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after. min / median / max over the runs.\n`,
    );
    printTable(results, setups);
    console.log(
      "\nWhat the guards logged over the whole run (their once-per-10-s lines, summed):\n",
    );
    console.log("| worker | missed the deadline | failed | refused unsent | breaker opened |");
    console.log("| --- | ---: | ---: | ---: | ---: |");
    for (const worker of workers) {
      const sum = worker.logged.get(0) ?? { missed: 0, failed: 0, refused: 0, opened: 0 };
      console.log(
        `| ${worker.name} | ${sum.missed} | ${sum.failed} | ${sum.refused} | ${sum.opened} |`,
      );
    }
  } finally {
    for (const worker of workers) await worker.dev.stop();
    await stack.stop();
  }
}

await main();
