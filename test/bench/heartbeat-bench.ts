/**
 * `npm run bench`: what a heartbeat costs, measured on the local stack.
 *
 * 1. Cost at Upstash (the bill): requests, commands and bytes per heartbeat as counted by the
 *    Upstash-compatible endpoint, for a simulated audience (viewers x rounds, 30 s apart on an
 *    injected clock, several stages, some viewers with two tabs) through the app in-process.
 * 2. The same through the real Workers runtime (`wrangler dev`), real HTTP end to end.
 * 3. Time: a heartbeat through the whole app vs a bare ZADD through the same endpoint, both
 *    measured in this run in alternating order (A B, B A, ...), 5 rounds each, reported as
 *    min / median / max and as a ratio, because these machines are noisy. The stack runs in a
 *    child process (bench-stack.ts), so its servers share no CPU time with what is measured.
 */
import { Redis } from "@upstash/redis";
import { signViewerToken } from "@viewer-presence/tokens";
import { createApp } from "../../edge/app";
import { startWranglerDev } from "../stack";
import type { UpstashStats } from "../stack/upstash-proxy";
import { startBenchStack } from "./bench-stack";

const ADMIN = "bench-admin-key-0123456789";
const SECRET = "bench-viewer-token-secret-0123456789abcdef";

interface Audience {
  stages: number;
  viewersPerStage: number;
  rounds: number;
  twoTabsEvery: number;
}

type Send = (path: string, init: RequestInit) => Promise<Response>;

async function driveAudience(
  send: Send,
  audience: Audience,
  clock: { nowMs: number },
  prefix: string,
) {
  const admin = { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" };
  const tokens: { stageId: string; token: string; tabs: number; tickets: string[] }[] = [];
  for (let s = 0; s < audience.stages; s++) {
    const stageId = `${prefix}${s}`;
    const created = await send("/v1/stages", {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ id: stageId, title: stageId }),
    });
    if (created.status !== 201) throw new Error(`createStage ${created.status}`);
    for (let v = 0; v < audience.viewersPerStage; v++) {
      const { token } = await signViewerToken({
        secret: SECRET,
        viewerId: `viewer-${s}-${v}`,
        stageId,
        ttlSec: 86_400,
        nowMs: clock.nowMs,
      });
      tokens.push({ stageId, token, tabs: v % audience.twoTabsEvery === 0 ? 2 : 1, tickets: [] });
    }
  }
  return async (onRoundStart: (round: number, heartbeatsSoFar: number) => Promise<void> | void) => {
    let heartbeats = 0;
    for (let round = 0; round < audience.rounds; round++) {
      await onRoundStart(round, heartbeats);
      for (const viewer of tokens) {
        for (let tab = 0; tab < viewer.tabs; tab++) {
          // Each tab sends back its last answer's ticket, as the typed client's loop does.
          const ticket = viewer.tickets[tab];
          const query = ticket === undefined ? "" : `?ticket=${ticket}`;
          const response = await send(`/v1/stages/${viewer.stageId}/heartbeats${query}`, {
            method: "POST",
            headers: { authorization: `Bearer ${viewer.token}` },
          });
          if (response.status !== 200)
            throw new Error(`heartbeat ${response.status} ${await response.text()}`);
          viewer.tickets[tab] = ((await response.json()) as { ticket: string }).ticket;
          heartbeats++;
        }
      }
      clock.nowMs += 30_000;
    }
    return heartbeats;
  };
}

function perHeartbeat(stats: UpstashStats, heartbeats: number) {
  return {
    heartbeats,
    requests: stats.requests / heartbeats,
    commands: stats.commands / heartbeats,
    requestBytes: stats.requestBytes / heartbeats,
    responseBytes: stats.responseBytes / heartbeats,
  };
}

/** ms per call of `run` over `calls` calls. */
async function msPerCall(calls: number, run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < calls; i++) await run();
  return (performance.now() - start) / calls;
}

/** Counts between two readings of the proxy's stats. */
function minus(after: UpstashStats, before: UpstashStats): UpstashStats {
  return {
    ...after,
    requests: after.requests - before.requests,
    commands: after.commands - before.commands,
    requestBytes: after.requestBytes - before.requestBytes,
    responseBytes: after.responseBytes - before.responseBytes,
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

async function main() {
  const stack = await startBenchStack();
  const env = { ...stack.env, ADMIN_API_KEY: ADMIN, VIEWER_TOKEN_SECRET: SECRET };
  const audience: Audience = { stages: 5, viewersPerStage: 200, rounds: 10, twoTabsEvery: 5 };
  const rows: string[] = [];
  try {
    // 1. In-process, injected clock: 10 rounds 30 s apart span 5 minutes, one window rollover.
    const clock = { nowMs: Date.UTC(2026, 10, 27, 12, 0, 0) };
    const app = createApp({ now: () => clock.nowMs });
    const inProcess = await driveAudience(
      async (path, init) => app.request(path, init, env),
      audience,
      clock,
      "bench",
    );
    await stack.resetStats();
    // Round 1 is every viewer's first heartbeat (an index handed out, a ticket answered); the
    // rounds after it are the steady state, which an hour-long session is almost all of.
    let firstRound = { stats: await stack.stats(), heartbeats: 0 };
    const heartbeats = await inProcess(async (round, soFar) => {
      if (round === 1) firstRound = { stats: await stack.stats(), heartbeats: soFar };
    });
    const all = await stack.stats();
    rows.push(
      row("in-process app (workerd-free), 1 isolate, all 10 rounds", perHeartbeat(all, heartbeats)),
    );
    rows.push(
      row(
        "in-process app, rounds 2-10 (steady: every tab has its ticket)",
        perHeartbeat(minus(all, firstRound.stats), heartbeats - firstRound.heartbeats),
      ),
    );

    // 2. The real Workers runtime, real clock (so the count cache and expiries run on time).
    const worker = await startWranglerDev({ port: 0, vars: env });
    try {
      const realClock = { nowMs: Date.now() };
      const overHttp = await driveAudience(
        (path, init) => fetch(`${worker.url}${path}`, init),
        { ...audience, rounds: 3 },
        realClock,
        "wbench",
      );
      await stack.resetStats();
      let workerFirst = { stats: await stack.stats(), heartbeats: 0 };
      const workerHeartbeats = await overHttp(async (round, soFar) => {
        if (round === 1) workerFirst = { stats: await stack.stats(), heartbeats: soFar };
      });
      const workerAll = await stack.stats();
      rows.push(
        row(
          "wrangler dev (workerd), real HTTP, all 3 rounds",
          perHeartbeat(workerAll, workerHeartbeats),
        ),
      );
      rows.push(
        row(
          "wrangler dev (workerd), rounds 2-3 (steady)",
          perHeartbeat(
            minus(workerAll, workerFirst.stats),
            workerHeartbeats - workerFirst.heartbeats,
          ),
        ),
      );
    } finally {
      await worker.stop();
    }

    // 3. Time per heartbeat vs a bare ZADD through the same endpoint.
    const redis = new Redis({
      url: stack.env.UPSTASH_REDIS_REST_URL,
      token: stack.env.UPSTASH_REDIS_REST_TOKEN,
      enableTelemetry: false,
    });
    // Distinct viewers (each beating at most 5 times), so the per-viewer rate limit never
    // short-cuts a timed heartbeat.
    const ROUNDS = 5;
    const CALLS = 200;
    const timedTokens: string[] = [];
    for (let i = 0; i < CALLS; i++) {
      const signed = await signViewerToken({
        secret: SECRET,
        viewerId: `timed-${i}`,
        stageId: "bench0",
        ttlSec: 86_400,
        nowMs: clock.nowMs,
      });
      timedTokens.push(signed.token);
    }
    let next = 0;
    const bare = () => redis.zadd("bench:baseline", { score: Date.now(), member: "m" });
    const heartbeat = async () => {
      const token = timedTokens[next++ % CALLS]!;
      const response = await app.request(
        "/v1/stages/bench0/heartbeats",
        { method: "POST", headers: { authorization: `Bearer ${token}` } },
        env,
      );
      if (response.status !== 200) throw new Error(`timed heartbeat ${response.status}`);
      await response.arrayBuffer();
    };
    await msPerCall(50, bare); // warm-up, both
    await msPerCall(50, heartbeat);
    const bareMs: number[] = [];
    const heartbeatMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // A B, then B A: neither always runs first.
      if (round % 2 === 0) {
        bareMs.push(await msPerCall(CALLS, bare));
        heartbeatMs.push(await msPerCall(CALLS, heartbeat));
      } else {
        heartbeatMs.push(await msPerCall(CALLS, heartbeat));
        bareMs.push(await msPerCall(CALLS, bare));
      }
    }
    const ratios = heartbeatMs.map((ms, i) => ms / bareMs[i]!);

    console.log(
      "\n| path | heartbeats | Upstash requests / hb | commands / hb | request bytes / hb | response bytes / hb |",
    );
    console.log("|---|---:|---:|---:|---:|---:|");
    for (const line of rows) console.log(line);
    const mmm = (values: number[], digits: number) =>
      `${Math.min(...values).toFixed(digits)} / ${median(values).toFixed(digits)} / ${Math.max(...values).toFixed(digits)}`;
    console.log(
      `\n| timing (${ROUNDS} rounds of ${CALLS} calls, alternating order) | ms per call, min / median / max |`,
    );
    console.log("|---|---:|");
    console.log(`| bare ZADD via Upstash REST (baseline) | ${mmm(bareMs, 3)} |`);
    console.log(`| heartbeat through the app | ${mmm(heartbeatMs, 3)} |`);
    console.log(`| ratio, heartbeat / baseline, per round | ${mmm(ratios, 2)} |`);
  } finally {
    await stack.stop();
  }
}

function row(label: string, m: ReturnType<typeof perHeartbeat>) {
  return `| ${label} | ${m.heartbeats} | ${m.requests.toFixed(3)} | ${m.commands.toFixed(3)} | ${m.requestBytes.toFixed(1)} | ${m.responseBytes.toFixed(1)} |`;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
