/**
 * One of two Redis databases stalled under 200 concurrent heartbeats, in the Workers runtime
 * (`npx tsx test/bench/stall-bench.ts`, also in `npm run bench`). Prints markdown.
 *
 * Everything measured runs outside this process: the stack (2 redis-servers, their Upstash
 * endpoints, dynalite) in one child (bench-stack.ts), each worker under `wrangler dev` (workerd)
 * in its own. This process only sends heartbeats and times their answers.
 *
 * Workers compared, in the same run: the edge as configured (`shedding`: each database's
 * breaker and in-flight budget, edge/redis-guard.ts) and the same code with
 * `REDIS_LOAD_SHEDDING=false` (`no shedding`: every call waits for its deadline); with
 * `--baseline-dir <dir>`, also a worker built from another checkout (e.g. the commit before the
 * guard, with its node_modules), named `baseline`.
 *
 * Each round, for each worker (the order alternates between rounds): 200 new viewers on a
 * stage of database 0 and 200 on a stage of database 1 beat twice to warm up (tickets kept, as
 * the typed client does; 50 at a time). Then, timed, three waves of 200 + 200 heartbeats at once
 * to both stages (which set is sent first alternates): wave 0 with both databases answering
 * (what 400 heartbeats cost the isolate itself), then the redis-server of database 0 stopped
 * (SIGSTOP) and wave 1 (the stall is new), wave 2 right after (it is known); then the server
 * resumed, and one heartbeat every 250 ms until the stalled stage answers 200 again. Reported
 * per wave and database: min / median / max over the rounds of the p50 and p99 latency; the
 * answers that were not what they should be, over all rounds (db 0 stalled: 503 with
 * Retry-After; otherwise 200; a heartbeat unanswered after 30 s counts); and the calls that
 * reached the stalled endpoint in each wave (its `/__waiting` count).
 */
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { databaseForStage } from "@viewer-presence/shared/rendezvous";
import { signViewerToken } from "@viewer-presence/tokens";
import { REDIS_GUARD_LIMITS } from "../../edge/redis-guard";
import { startWranglerDev } from "../stack";
import type { WranglerDevHandle } from "../stack/wrangler-dev";
import { uniqueId } from "../test-env";
import { type BenchStack, startBenchStack } from "./bench-stack";
import { type GuardLogSum, guardLogReader } from "./guard-log";

const ADMIN = "bench-admin-key-0123456789";
const SECRET = "bench-viewer-token-secret-0123456789abcdef";
const STALLED = 0;
const HEALTHY = 1;
const CLIENT_TIMEOUT_MS = 30_000;
const RECOVERY_TIMEOUT_MS = 30_000;
const WARM_UP_AT_ONCE = 50;

const { values: args } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    burst: { type: "string", default: "200" },
    "baseline-dir": { type: "string" },
  },
});
const ROUNDS = Number(args.rounds);
/** Heartbeats sent at once to each stage in a wave (`--burst`). */
const BURST = Number(args.burst);

interface Worker {
  name: string;
  dev: WranglerDevHandle;
  stages: [stalled: string, healthy: string];
  /** What its guards logged, summed per database (edge/redis-guard.ts's summary lines). */
  logged: Map<number, GuardLogSum>;
}

interface Answer {
  ms: number;
  /** 0: no answer within CLIENT_TIMEOUT_MS. */
  status: number;
  retryAfter: string | null;
  ticket?: string;
}

interface Viewer {
  stageId: string;
  token: string;
  ticket?: string;
}

/** `<wave>: <database>`: wave 0 before the stall, waves 1 and 2 during it. */
type Measure = `${"wave 0" | "wave 1" | "wave 2"}: ${"db 0" | "db 1"}`;
const MEASURES: Measure[] = [
  "wave 0: db 0",
  "wave 0: db 1",
  "wave 1: db 0",
  "wave 1: db 1",
  "wave 2: db 0",
  "wave 2: db 1",
];

interface Sample {
  p50: number;
  p99: number;
  wrong: number;
}

async function beat(worker: Worker, viewer: Viewer): Promise<Answer> {
  const query = viewer.ticket === undefined ? "" : `?ticket=${encodeURIComponent(viewer.ticket)}`;
  const started = performance.now();
  try {
    const response = await fetch(
      `${worker.dev.url}/v1/stages/${viewer.stageId}/heartbeats${query}`,
      {
        method: "POST",
        headers: { authorization: `Bearer ${viewer.token}` },
        signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
      },
    );
    const text = await response.text();
    const ms = performance.now() - started;
    const answer: Answer = {
      ms,
      status: response.status,
      retryAfter: response.headers.get("retry-after"),
    };
    if (response.status === 200) answer.ticket = (JSON.parse(text) as { ticket: string }).ticket;
    return answer;
  } catch {
    return { ms: performance.now() - started, status: 0, retryAfter: null };
  }
}

/** Every viewer beats once, all at once; tickets answered are kept for the next beat. */
async function beatAll(worker: Worker, viewers: Viewer[]): Promise<Answer[]> {
  return Promise.all(
    viewers.map(async (viewer) => {
      const answer = await beat(worker, viewer);
      if (answer.ticket !== undefined) viewer.ticket = answer.ticket;
      return answer;
    }),
  );
}

async function viewersOf(stageId: string, label: string, count = BURST): Promise<Viewer[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const { token } = await signViewerToken({
        secret: SECRET,
        viewerId: `${label}-${i}`,
        stageId,
        ttlSec: 3600,
        nowMs: Date.now(),
      });
      return { stageId, token };
    }),
  );
}

function sample(answers: Answer[], ok: (answer: Answer) => boolean): Sample {
  const ms = answers.map((a) => a.ms).sort((a, b) => a - b);
  return {
    p50: ms[Math.floor(ms.length / 2)]!,
    p99: ms[Math.ceil(ms.length * 0.99) - 1]!,
    wrong: answers.filter((a) => !ok(a)).length,
  };
}

const isOk = (a: Answer) => a.status === 200;
const isRefusal = (a: Answer) => a.status === 503 && a.retryAfter !== null;

/** One round on one worker; `stalledFirst` says which set of a wave is sent first. */
async function round(
  stack: BenchStack,
  worker: Worker,
  label: string,
  stalledFirst: boolean,
): Promise<{ samples: Map<Measure, Sample>; reached: [number, number]; recoveryMs: number }> {
  const [stalledStage, healthyStage] = worker.stages;
  const stalledViewers = await viewersOf(stalledStage, `${label}-s`);
  const healthyViewers = await viewersOf(healthyStage, `${label}-h`);
  for (let warm = 0; warm < 2; warm++) {
    // A few at a time: a new viewer's first heartbeat runs a script, and 400 of them at once keep
    // wrangler dev's isolate so busy that calls to a database that answers miss their deadline.
    const answers: Answer[] = [];
    const everyone = [...stalledViewers, ...healthyViewers];
    for (let at = 0; at < everyone.length; at += WARM_UP_AT_ONCE) {
      answers.push(...(await beatAll(worker, everyone.slice(at, at + WARM_UP_AT_ONCE))));
    }
    const failed = answers.filter((a) => !isOk(a)).length;
    if (failed > 0) {
      const statuses = answers.map((a) => a.status).filter((status) => status !== 200);
      throw new Error(`${worker.name}: ${failed} warm-up heartbeats failed: ${statuses.join(",")}`);
    }
  }
  const samples = new Map<Measure, Sample>();
  const wave = async () => {
    const sets = [beatAll(worker, stalledViewers), beatAll(worker, healthyViewers)];
    const [toStalled, toHealthy] = stalledFirst
      ? await Promise.all(sets)
      : await Promise.all(sets.reverse()).then(([h, s]) => [s!, h!]);
    return { toStalled: toStalled!, toHealthy: toHealthy! };
  };
  // The same 400 heartbeats with nothing stalled: what the isolate's own work costs.
  const before = await wave();
  samples.set("wave 0: db 0", sample(before.toStalled, isOk));
  samples.set("wave 0: db 1", sample(before.toHealthy, isOk));

  const waitingBefore = (await stack.waitingOfEach())[STALLED]!;
  await stack.stall(STALLED);
  let reached: [number, number];
  try {
    const first = await wave();
    const afterFirst = (await stack.waitingOfEach())[STALLED]!;
    const second = await wave();
    const afterSecond = (await stack.waitingOfEach())[STALLED]!;
    reached = [afterFirst - waitingBefore, afterSecond - afterFirst];
    samples.set("wave 1: db 0", sample(first.toStalled, isRefusal));
    samples.set("wave 1: db 1", sample(first.toHealthy, isOk));
    samples.set("wave 2: db 0", sample(second.toStalled, isRefusal));
    samples.set("wave 2: db 1", sample(second.toHealthy, isOk));
  } finally {
    await stack.resume(STALLED);
  }
  // Until the stalled stage counts again (the breaker's cool-down, then its probe). A new viewer
  // each time: one viewer beating every 250 ms would soon be refused by the per-viewer limiter.
  const resumed = performance.now();
  for (let attempt = 0; ; attempt++) {
    const [probe] = await viewersOf(stalledStage, `${label}-probe${attempt}`, 1);
    if ((await beat(worker, probe!)).status === 200) break;
    if (performance.now() - resumed > RECOVERY_TIMEOUT_MS) {
      throw new Error(`${worker.name}: the stalled stage did not answer 200 again within 30 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { samples, reached, recoveryMs: performance.now() - resumed };
}

async function startWorker(
  stack: BenchStack,
  name: string,
  vars: Record<string, string>,
  cwd?: string,
): Promise<Worker> {
  const env = stack.env as unknown as Record<string, string>;
  const logged: Worker["logged"] = new Map();
  const dev = await startWranglerDev({
    port: 0,
    vars: { ...env, ADMIN_API_KEY: ADMIN, VIEWER_TOKEN_SECRET: SECRET, ...vars },
    ...(cwd === undefined ? {} : { cwd }),
    echo: guardLogReader(logged),
  });
  const urls = env.UPSTASH_REDIS_REST_URL!.split(",");
  const stageOn = async (database: number) => {
    for (;;) {
      const id = uniqueId("stall");
      if (databaseForStage(urls, id) !== database) continue;
      const created = await fetch(`${dev.url}/v1/stages`, {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
        body: JSON.stringify({ id, title: id }),
      });
      if (created.status !== 201) throw new Error(`${name}: createStage ${created.status}`);
      return id;
    }
  };
  return { name, dev, logged, stages: [await stageOn(STALLED), await stageOn(HEALTHY)] };
}

const fmt = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `${sorted[0]!.toFixed(0)} / ${at(0.5).toFixed(0)} / ${sorted.at(-1)!.toFixed(0)}`;
};

async function main() {
  const stack = await startBenchStack({ databases: 2 });
  const workers: Worker[] = [];
  try {
    workers.push(await startWorker(stack, "shedding", { REDIS_KEY_PREFIX: "on:" }));
    workers.push(
      await startWorker(stack, "no shedding", {
        REDIS_KEY_PREFIX: "off:",
        REDIS_LOAD_SHEDDING: "false",
      }),
    );
    if (args["baseline-dir"] !== undefined) {
      workers.push(
        await startWorker(stack, "baseline", { REDIS_KEY_PREFIX: "base:" }, args["baseline-dir"]),
      );
    }
    const results = new Map(
      workers.map((w) => [
        w.name,
        {
          samples: [] as Map<Measure, Sample>[],
          reached: [] as [number, number][],
          recovery: [] as number[],
        },
      ]),
    );
    const loadBefore = loadavg()[0]!;
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 === 0 ? workers : [...workers].reverse();
      for (const worker of order) {
        const out = await round(
          stack,
          worker,
          `r${r}-${worker.name.replace(/\s/g, "")}`,
          r % 2 === 0,
        );
        const result = results.get(worker.name)!;
        result.samples.push(out.samples);
        result.reached.push(out.reached);
        result.recovery.push(out.recoveryMs);
        console.error(
          `round ${r + 1}/${ROUNDS} ${worker.name}: ${MEASURES.map((m) => `${m} p99 ${out.samples.get(m)!.p99.toFixed(0)} ms (${out.samples.get(m)!.wrong} wrong)`).join("; ")}; reached ${out.reached.join("+")}`,
        );
      }
    }
    // The guards log at most once per 10 s: one more heartbeat per stage after that flushes
    // what the last rounds counted.
    await new Promise((resolve) => setTimeout(resolve, REDIS_GUARD_LIMITS.logIntervalMs + 500));
    for (const worker of workers) {
      for (const stageId of worker.stages) {
        const [viewer] = await viewersOf(stageId, `flush-${worker.name.replace(/\s/g, "")}`, 1);
        await beat(worker, viewer!);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const cpu = cpus();
    console.log(
      `\nOne of two databases stalled (SIGSTOP) under ${BURST} + ${BURST} concurrent heartbeats, worker under wrangler dev (workerd), ${ROUNDS} rounds per worker, alternating; ${cpu.length} × ${cpu[0]?.model ?? "?"}; load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after. Latency in ms, min / median / max over the rounds; "wrong" totals answers that were not 503 + Retry-After (stalled) or 200 (healthy) over all rounds.\n`,
    );
    console.log(
      "| worker | measurement | p50 | p99 | wrong | calls reaching the stalled database |",
    );
    console.log("| --- | --- | ---: | ---: | ---: | ---: |");
    for (const [name, result] of results) {
      for (const measure of MEASURES) {
        const of = result.samples.map((s) => s.get(measure)!);
        const reached =
          measure === "wave 1: db 0"
            ? fmt(result.reached.map(([first]) => first))
            : measure === "wave 2: db 0"
              ? fmt(result.reached.map(([, second]) => second))
              : "";
        console.log(
          `| ${name} | ${measure} | ${fmt(of.map((s) => s.p50))} | ${fmt(of.map((s) => s.p99))} | ${of.reduce((sum, s) => sum + s.wrong, 0)} | ${reached} |`,
        );
      }
    }
    console.log("\n| worker | after SIGCONT, until the stalled stage answers 200 (ms) |");
    console.log("| --- | ---: |");
    for (const [name, result] of results) console.log(`| ${name} | ${fmt(result.recovery)} |`);
    console.log(
      "\nWhat the guards logged over the run (the sums of their once-per-10-s summary lines):\n",
    );
    console.log(
      "| worker | database | missed the deadline | failed | refused unsent | breaker opened |",
    );
    console.log("| --- | --- | ---: | ---: | ---: | ---: |");
    for (const worker of workers) {
      for (const [database, sum] of [...worker.logged].sort(([a], [b]) => a - b)) {
        console.log(
          `| ${worker.name} | db ${database} | ${sum.missed} | ${sum.failed} | ${sum.refused} | ${sum.opened} |`,
        );
      }
    }
  } finally {
    for (const worker of workers) await worker.dev.stop();
    await stack.stop();
  }
}

await main();
