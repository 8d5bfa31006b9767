/**
 * `npx tsx test/bench/isolates-bench.ts`: billed Upstash commands per heartbeat when a stage's
 * heartbeats are spread over several isolates, as Cloudflare spreads them. Starts the local stack
 * (free ports), `--isolates` `wrangler dev` processes over the same Redis (each its own workerd
 * isolate), creates the stages through the API, and has every viewer beat in real time as the
 * typed client does (the next heartbeat when the answer's `nextHeartbeatInMs` says, its last
 * ticket sent back), each heartbeat sent to the next isolate in turn. Prints commands per
 * heartbeat for the warm-up (every viewer's first heartbeat) and the steady state after it, and
 * a timeline of commands per second in 10-s buckets (for a run across an hour boundary, start it
 * with `--start-at 03:57:30`, UTC).
 *
 * Options: --isolates 1 --stages 10 --viewers-per-stage 10 --duration 120 [--start-at HH:MM:SS]
 * [--json out.json]
 */
import { writeFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { signViewerToken } from "@viewer-presence/tokens";
import { startWranglerDev } from "../stack";
import { startBenchStack } from "./bench-stack";

const { values } = parseArgs({
  options: {
    isolates: { type: "string", default: "1" },
    stages: { type: "string", default: "10" },
    "viewers-per-stage": { type: "string", default: "10" },
    duration: { type: "string", default: "120" },
    "start-at": { type: "string" },
    json: { type: "string" },
  },
});
const isolates = Number(values.isolates);
const stages = Number(values.stages);
const perStage = Number(values["viewers-per-stage"]);
const durationSec = Number(values.duration);
const ADMIN = "bench-admin-key-0123456789abcdef";
const SECRET = "bench-viewer-token-secret-0123456789abcdef";
const FIRST_SPREAD_MS = 30_000;
const BUCKET_MS = 10_000;

/** Sleeps until the next HH:MM:SS (UTC). */
async function waitUntil(clock: string): Promise<void> {
  const [h, m, s] = clock.split(":").map(Number) as [number, number, number];
  const now = new Date();
  const at = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), h, m, s);
  // Passed less than 10 minutes ago (a slow start): at once.
  const target = at > now.getTime() - 600_000 ? at : at + 86_400_000;
  console.log(`waiting until ${new Date(target).toISOString()}`);
  await sleep(Math.max(0, target - now.getTime()));
}

async function pool<T>(items: T[], limit: number, task: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function main() {
  // In a child process: the endpoint that counts commands never waits on this one's load.
  const stack = await startBenchStack();
  const workers: Awaited<ReturnType<typeof startWranglerDev>>[] = [];
  try {
    const vars = { ...stack.env, ADMIN_API_KEY: ADMIN, VIEWER_TOKEN_SECRET: SECRET };
    for (let i = 0; i < isolates; i++) workers.push(await startWranglerDev({ port: 0, vars }));
    const run = `iso-${Date.now().toString(36)}`;
    const stageIds = Array.from({ length: stages }, (_, i) => `${run}-${i}`);
    await pool(stageIds, 10, async (id) => {
      const response = await fetch(`${workers[0]!.url}/v1/stages`, {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
        body: JSON.stringify({ id, title: id }),
      });
      if (response.status !== 201) throw new Error(`createStage ${id}: ${response.status}`);
    });
    const viewers = await Promise.all(
      Array.from({ length: stages * perStage }, async (_, i) => {
        const stageId = stageIds[i % stages]!;
        const viewerId = `v-${i}`;
        const { token } = await signViewerToken({
          secret: SECRET,
          viewerId,
          stageId,
          ttlSec: 86_400,
        });
        return { stageId, token, ticket: undefined as string | undefined };
      }),
    );
    if (values["start-at"] !== undefined) await waitUntil(values["start-at"]);

    let turn = 0;
    let heartbeats = 0;
    /** Answers other than 200, by status. */
    const failures = new Map<number, number>();
    let firstAnswered = 0;
    const latencies: number[] = [];
    const timeline: { at: string; commands: number; requests: number; heartbeats: number }[] = [];
    await stack.resetStats();
    let warmUp: { commands: number; heartbeats: number } | undefined;
    let last = { commands: 0, requests: 0, heartbeats: 0 };
    const sampler = setInterval(async () => {
      const { commands, requests } = await stack.stats();
      timeline.push({
        at: new Date().toISOString().slice(11, 19),
        commands: commands - last.commands,
        requests: requests - last.requests,
        heartbeats: heartbeats - last.heartbeats,
      });
      last = { commands, requests, heartbeats };
    }, BUCKET_MS);
    const start = performance.now();
    const endAt = start + durationSec * 1000;
    await Promise.all(
      viewers.map(async (viewer, i) => {
        await sleep((i / viewers.length) * FIRST_SPREAD_MS);
        let first = true;
        while (performance.now() < endAt) {
          const worker = workers[turn++ % workers.length]!;
          const query = viewer.ticket === undefined ? "" : `?ticket=${viewer.ticket}`;
          const sentAt = performance.now();
          const response = await fetch(
            `${worker.url}/v1/stages/${viewer.stageId}/heartbeats${query}`,
            { method: "POST", headers: { authorization: `Bearer ${viewer.token}` } },
          ).catch(() => undefined);
          latencies.push(performance.now() - sentAt);
          if (response?.status === 200) heartbeats++;
          const body = (await response?.json().catch(() => undefined)) as
            | { ticket: string; nextHeartbeatInMs: number }
            | undefined;
          if (first) {
            first = false;
            if (++firstAnswered === viewers.length) {
              warmUp = { commands: (await stack.stats()).commands, heartbeats };
              await stack.resetCommandStats();
            }
          }
          if (response?.status !== 200 || body === undefined) {
            const status = response?.status ?? 0;
            failures.set(status, (failures.get(status) ?? 0) + 1);
            // As the typed client does after a failure: wait about an interval, then beat again.
            await sleep(30_000);
            continue;
          }
          viewer.ticket = body.ticket;
          if (performance.now() + body.nextHeartbeatInMs >= endAt) return;
          await sleep(body.nextHeartbeatInMs);
        }
      }),
    );
    clearInterval(sampler);
    const total = await stack.stats();
    const steadyByCommand = await stack.commandStats();
    const sorted = latencies.sort((a, b) => a - b);
    const result = {
      isolates,
      stages,
      viewersPerStage: perStage,
      durationSec,
      heartbeats,
      failures: Object.fromEntries(failures),
      latencyMsMedian: sorted[Math.floor(sorted.length / 2)],
      latencyMsP99: sorted[Math.floor(sorted.length * 0.99)],
      commandsPerHeartbeat: total.commands / heartbeats,
      warmUp:
        warmUp === undefined
          ? undefined
          : {
              heartbeats: warmUp.heartbeats,
              commandsPerHeartbeat: warmUp.commands / warmUp.heartbeats,
            },
      steady:
        warmUp === undefined || heartbeats === warmUp.heartbeats
          ? undefined
          : {
              heartbeats: heartbeats - warmUp.heartbeats,
              commandsPerHeartbeat:
                (total.commands - warmUp.commands) / (heartbeats - warmUp.heartbeats),
              byCommand: steadyByCommand,
            },
      timeline,
    };
    console.log(JSON.stringify({ ...result, timeline: undefined }, null, 1));
    for (const bucket of timeline) {
      const perHb = bucket.heartbeats === 0 ? 0 : bucket.commands / bucket.heartbeats;
      console.log(
        `${bucket.at}  ${(bucket.commands / (BUCKET_MS / 1000)).toFixed(1).padStart(8)} commands/s  ${(bucket.heartbeats / (BUCKET_MS / 1000)).toFixed(1).padStart(7)} hb/s  ${perHb.toFixed(3)} commands/hb`,
      );
    }
    if (values.json !== undefined) await writeFile(values.json, JSON.stringify(result, null, 1));
  } finally {
    for (const worker of workers) await worker.stop();
    await stack.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
