/**
 * Heartbeat throughput against 1, 2 and 4 Upstash databases, each capped at a few hundred
 * commands per second as a plan caps them (`npx tsx test/bench/databases-bench.ts`, also in
 * `npm run bench`). The cap is set low so that it, not this 2-core machine, binds: the point is
 * whether spreading stages over databases (rendezvous hashing) multiplies what a deployment can
 * take. Prints markdown.
 *
 * Per run: the stack (N redis-servers, N Upstash endpoints) in a child process; the app
 * in-process; STAGES stages and VIEWERS viewers, each viewer warmed up with one heartbeat while
 * the endpoints are uncapped (so every viewer holds its ticket, as in the steady state); then
 * the cap, and CONCURRENCY closed loops that send heartbeats with tickets for MEASURE_MS,
 * waiting Retry-After-like 100 ms after a 503. Throughput is the 200s per second. Runs alternate
 * the order of N (1, 2, 4, then 4, 2, 1, ...) and repeat; min / median / max per N, and each
 * N's median against the median of 1 database.
 *
 * Then the same for ONE stage created with `databases: N` (its viewers spread over the N
 * databases, shared/rendezvous.ts): whether a stage larger than one database carries scales too.
 */

import { signViewerToken } from "@viewer-presence/tokens";
import { createApp } from "../../edge/app";
import { TEST_TOKEN_SECRET, testBindings, uniqueId } from "../test-env";
import { startBenchStack } from "./bench-stack";

const DATABASE_COUNTS = [1, 2, 4];
const ROUNDS = 3;
const CAP_COMMANDS_PER_SECOND = 150;
const STAGES = 64;
/** A viewer may beat 6 times per 30 s (the per-isolate limiter): enough viewers that none hits it. */
const VIEWERS = 3_000;
const CONCURRENCY = 48;
const MEASURE_MS = 6_000;

interface Run {
  databases: number;
  /** One stage spread over the databases, instead of STAGES stages placed on them. */
  spread: boolean;
  heartbeatsPerSecond: number;
  commandsPerHeartbeat: number;
  throttledRequests: number;
}

async function runOnce(databases: number, spread: boolean): Promise<Run> {
  const stack = await startBenchStack({ databases });
  try {
    const env = testBindings(stack.env as unknown as Record<string, string>, {
      REDIS_KEY_PREFIX: "",
    });
    const app = createApp({ logError: () => {} });
    const admin = {
      authorization: `Bearer ${env.ADMIN_API_KEY}`,
      "content-type": "application/json",
    };
    const stageIds = Array.from({ length: spread ? 1 : STAGES }, () => uniqueId("tp"));
    for (const id of stageIds) {
      const body = spread ? { id, title: id, databases } : { id, title: id };
      const created = await app.request(
        "/v1/stages",
        { method: "POST", headers: admin, body: JSON.stringify(body) },
        env,
      );
      if (created.status !== 201) throw new Error(`create: ${created.status}`);
    }
    const viewers = await Promise.all(
      Array.from({ length: VIEWERS }, async (_, i) => {
        const stageId = stageIds[i % stageIds.length]!;
        const { token } = await signViewerToken({
          secret: TEST_TOKEN_SECRET,
          viewerId: `viewer-${i}`,
          stageId,
          ttlSec: 3600,
          nowMs: Date.now(),
        });
        return { stageId, token, ticket: undefined as string | undefined };
      }),
    );
    const beat = async (viewer: (typeof viewers)[number]) => {
      const query = viewer.ticket === undefined ? "" : `?ticket=${viewer.ticket}`;
      const response = await app.request(
        `/v1/stages/${viewer.stageId}/heartbeats${query}`,
        { method: "POST", headers: { authorization: `Bearer ${viewer.token}` } },
        env,
      );
      if (response.status === 200) {
        viewer.ticket = ((await response.json()) as { ticket: string }).ticket;
      } else {
        await response.body?.cancel();
      }
      return response.status;
    };
    // Warm-up, uncapped: every viewer once (index and ticket).
    for (let i = 0; i < viewers.length; i += 100) {
      const statuses = await Promise.all(viewers.slice(i, i + 100).map(beat));
      if (statuses.some((status) => status !== 200)) throw new Error(`warm-up: ${statuses}`);
    }

    await stack.limit(CAP_COMMANDS_PER_SECOND);
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // a clean cap window
    await stack.resetStats();
    let ok = 0;
    let next = 0;
    const endAt = performance.now() + MEASURE_MS;
    const startedAt = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < endAt) {
          const viewer = viewers[next++ % viewers.length]!;
          const status = await beat(viewer);
          if (status === 200) ok++;
          else await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }),
    );
    const seconds = (performance.now() - startedAt) / 1000;
    const stats = await stack.statsOfEach();
    const commands = stats.reduce((sum, s) => sum + s.commands, 0);
    return {
      databases,
      spread,
      heartbeatsPerSecond: ok / seconds,
      commandsPerHeartbeat: commands / Math.max(1, ok),
      throttledRequests: stats.reduce((sum, s) => sum + s.throttled, 0),
    };
  } finally {
    await stack.stop();
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

export async function benchDatabases(): Promise<string> {
  const runs: Run[] = [];
  for (const spread of [false, true]) {
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? DATABASE_COUNTS : [...DATABASE_COUNTS].reverse();
      for (const databases of order) {
        const what = spread ? "one stage spread over" : "stages placed on";
        console.error(`databases bench: round ${round + 1}, ${what} ${databases} database(s) ...`);
        runs.push(await runOnce(databases, spread));
      }
    }
  }
  const table = (spread: boolean) => {
    const of = (n: number) => runs.filter((run) => run.databases === n && run.spread === spread);
    const base = median(of(1).map((run) => run.heartbeatsPerSecond));
    return DATABASE_COUNTS.map((n) => {
      const rates = of(n).map((run) => run.heartbeatsPerSecond);
      const commands = median(of(n).map((run) => run.commandsPerHeartbeat));
      const throttled = median(of(n).map((run) => run.throttledRequests));
      return `| ${n} | ${Math.min(...rates).toFixed(0)} / ${median(rates).toFixed(0)} / ${Math.max(...rates).toFixed(0)} | ${(median(rates) / base).toFixed(2)}x | ${commands.toFixed(3)} | ${throttled} |`;
    });
  };
  const header = [
    "| databases | heartbeats/s (min / median / max) | median vs 1 database | commands per heartbeat (median) | requests throttled (median) |",
    "|---:|---:|---:|---:|---:|",
  ];
  return [
    `Each database capped at ${CAP_COMMANDS_PER_SECOND} commands/s; ${VIEWERS} viewers with tickets, ${CONCURRENCY} closed loops for ${MEASURE_MS / 1000} s a run; ${ROUNDS} runs per count, order alternating.`,
    "",
    `${STAGES} stages, placed on the databases by rendezvous hashing:`,
    "",
    ...header,
    ...table(false),
    "",
    "One stage created with `databases` equal to the count, its viewers spread over them:",
    "",
    ...header,
    ...table(true),
  ].join("\n");
}

const invokedDirectly = process.argv[1]?.endsWith("databases-bench.ts");
if (invokedDirectly) {
  benchDatabases().then(
    (table) => console.log(table),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
