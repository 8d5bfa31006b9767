/**
 * `npm run cost:calibrate`: the cost model's inputs measured instead of assumed.
 *
 * A simulated audience (the typed client's heartbeat loop, one per tab: 1,000 viewers on 10
 * stages, a fifth of them with two tabs, arriving spread over the first interval) runs for 10
 * minutes of virtual time against the app on
 * the local stack (real Redis through the Upstash REST protocol, real DynamoDB-API server, both in
 * a child process); the sync job runs after each 5-minute window as the cron would. The
 * Upstash-compatible endpoint counts commands and body bytes, a TCP counter in front of it the
 * bytes on the wire (so the HTTP headers), each tab's heartbeat times give the jitter, and
 * process CPU is read around each sync run. Then CPU per heartbeat against a bare Hono route
 * (heartbeat-cpu.ts). Finally the monthly bill at 10k, 50k and 1M viewers with the round
 * assumptions, with the inputs in cost/measured.ts, and with this run's; the last two
 * must agree within 10 % at 10k and 50k viewers (exit code 1 otherwise).
 */

import { type HeartbeatLoop, startHeartbeatLoop } from "@viewer-presence/client";
import {
  type CostEstimate,
  compareArchitectures,
  defaultWorkload,
  type Workload,
} from "@viewer-presence/cost";
import { MEASUREMENTS, measuredWorkload } from "@viewer-presence/cost/measured";
import { createDocumentClient, createRedis } from "@viewer-presence/shared/clients";
import { parseConfig } from "@viewer-presence/shared/config";
import { SYNC_CALL_DEADLINES } from "@viewer-presence/shared/deadlines";
import { WINDOW_MS } from "@viewer-presence/shared/windows";
import { signViewerToken } from "@viewer-presence/tokens";
import { createApp } from "../../edge/app";
import { runSync } from "../../sync/run-sync";
import { startBenchStack } from "./bench-stack";
import { measureHeartbeatCpu } from "./heartbeat-cpu";
import { VirtualTime } from "./virtual-time";
import { startWireCounter } from "./wire-counter";

const ADMIN = "calibrate-admin-key-0123456789";
const SECRET = "calibrate-viewer-token-secret-0123456789ab";
const STAGES = 10;
const VIEWERS_PER_STAGE = 100;
const TWO_TABS_EVERY = 5;

/** A small deterministic PRNG (mulberry32), so runs are comparable. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** " (1 x Fixed 5GB)": each estimate names its own plan (assumed and measured inputs may differ). */
function planOf(estimate: { plan?: { databases: number; name: string } }): string {
  return estimate.plan ? ` (${estimate.plan.databases} x ${estimate.plan.name})` : "";
}

const INTERVAL_MS = 30_000;
/** The gap within which the model (measured.ts) and this run must agree. */
const AGREEMENT = 0.1;

function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function main() {
  const stack = await startBenchStack();
  // The app reaches the endpoint through a byte counter; the sync job directly.
  const wire = await startWireCounter(stack.env.UPSTASH_REDIS_REST_URL);
  const env = {
    ...stack.env,
    ADMIN_API_KEY: ADMIN,
    VIEWER_TOKEN_SECRET: SECRET,
    REDIS_KEY_PREFIX: "cal:",
  };
  const config = parseConfig(env);
  const appEnv = { ...env, UPSTASH_REDIS_REST_URL: wire.url };
  // Start 10 s into a window, as a real audience would be (windows are epoch-aligned).
  const time = new VirtualTime(Date.UTC(2026, 10, 27, 12, 0, 10));
  // Longer deadlines than production's: this measures commands and bytes, not latency, and one
  // process on a shared, loaded machine plays every isolate's part (and dynalite the first counts).
  const app = createApp({
    now: time.now,
    clients: {
      redis: (config) => createRedis(config, { timeoutMs: 30_000 }),
      dynamo: (config) => createDocumentClient(config, { timeoutMs: 30_000 }),
    },
  });
  const fetchApp = (request: Request) => time.track(Promise.resolve(app.fetch(request, appEnv)));
  try {
    const admin = { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" };
    const tabs: { stageId: string; token: string }[] = [];
    for (let s = 0; s < STAGES; s++) {
      const stageId = `cal-${s}`;
      const created = await app.request(
        "/v1/stages",
        { method: "POST", headers: admin, body: JSON.stringify({ id: stageId, title: stageId }) },
        env,
      );
      if (created.status !== 201) throw new Error(`createStage: ${created.status}`);
      for (let v = 0; v < VIEWERS_PER_STAGE; v++) {
        const { token } = await signViewerToken({
          secret: SECRET,
          viewerId: `viewer-${s}-${v}`,
          stageId,
          ttlSec: 86_400,
          nowMs: time.nowMs,
        });
        tabs.push({ stageId, token });
        if (v % TWO_TABS_EVERY === 0) tabs.push({ stageId, token });
      }
    }

    await stack.resetStats();
    wire.reset();
    let heartbeats = 0;
    // Each tab's heartbeat times (virtual ms), for the gaps the client's jitter leaves.
    const beats: number[][] = tabs.map(() => []);
    const random = seeded(42);
    // A real audience arrives over time, not at one instant: each tab's page opens at a random
    // moment of the first interval (then the server's jitter spaces its heartbeats). Started all
    // at one virtual instant, 1,200 first heartbeats hit one isolate's guard at once and its
    // in-flight bound (256, sized for one isolate's share of a database) refused them unsent:
    // a burst no audience sends, whose refusals would measure the guard, not the commands.
    const arrivals = seeded(7);
    const loops: HeartbeatLoop[] = [];
    const startTab = ({ stageId, token }: { stageId: string; token: string }, tab: number) =>
      startHeartbeatLoop({
        baseUrl: "http://calibrate.local",
        stageId,
        token,
        fetch: fetchApp,
        timers: time,
        now: time.now,
        random,
        document: null,
        window: null,
        navigator: null,
        onUpdate: () => {
          heartbeats++;
          beats[tab]!.push(time.nowMs);
        },
        onError: (problem) => {
          throw new Error(`heartbeat failed: ${problem.status} ${problem.detail ?? problem.title}`);
        },
      });
    tabs.forEach((tab, i) => {
      time.setTimeout(() => loops.push(startTab(tab, i)), Math.floor(arrivals() * INTERVAL_MS));
    });

    const syncCpuPerRunMs: number[] = [];
    const sync = {
      cpuMs: 0,
      commands: 0,
      bytes: 0,
      runs: 0,
      writeUnits: 0,
      items: 0,
      viewingRecords: 0,
      viewingRecordItems: 0,
      snapshots: 0,
    };
    const heartbeat = {
      commands: 0,
      bytes: 0,
      requests: 0,
      wireBytes: 0,
      requestHeaderBytes: 0,
      responseHeaderBytes: 0,
    };
    const redis = createRedis(config, SYNC_CALL_DEADLINES.redis); // direct, not counted on the wire
    const db = createDocumentClient(config, SYNC_CALL_DEADLINES.dynamo);
    const windowEnd = () => (Math.floor(time.nowMs / WINDOW_MS) + 1) * WINDOW_MS;
    for (let window = 0; window < 2; window++) {
      // Run the audience to 15 s past the window's end (the job's grace), then sync as cron would.
      await time.runFor(windowEnd() + 15_000 - time.nowMs);
      const hot = await stack.stats();
      const onWire = wire.counts();
      heartbeat.commands += hot.commands;
      heartbeat.requests += hot.requests;
      heartbeat.bytes += hot.requestBytes + hot.responseBytes;
      heartbeat.wireBytes += onWire.sent + onWire.received;
      heartbeat.requestHeaderBytes += onWire.sent - hot.requestBytes;
      heartbeat.responseHeaderBytes += onWire.received - hot.responseBytes;
      await stack.resetStats();
      wire.reset();
      const cpuBefore = processCpuMs();
      const report = await runSync({ redis, db, config, now: time.now, log: () => {} });
      const syncCpuMs = processCpuMs() - cpuBefore;
      syncCpuPerRunMs.push(syncCpuMs);
      const cold = await stack.stats();
      await stack.resetStats();
      Object.assign(sync, {
        cpuMs: sync.cpuMs + syncCpuMs,
        commands: sync.commands + cold.commands,
        bytes: sync.bytes + cold.requestBytes + cold.responseBytes,
        runs: sync.runs + 1,
        writeUnits: sync.writeUnits + report.writeUnits,
        items: sync.items + report.items,
        viewingRecords: sync.viewingRecords + report.viewingRecords,
        viewingRecordItems: sync.viewingRecordItems + report.viewingRecordItems,
        snapshots: sync.snapshots + report.snapshots,
      });
    }
    // And leaves as it arrived, over an interval: 1,200 leaves at one instant would meet the same
    // in-flight bound as 1,200 arrivals. Nothing measured above depends on them.
    const departures = seeded(11);
    for (const loop of loops) {
      time.setTimeout(() => void loop.stop(), Math.floor(departures() * INTERVAL_MS));
    }
    await time.runFor(INTERVAL_MS);
    await time.idle();

    // The analytics writes: every stage ends (a broadcast each); 6 minutes on, once its last
    // window is synced, a run summarises the broadcasts and writes each viewer's day on them.
    for (let s = 0; s < STAGES; s++) {
      const ended = await app.request(
        `/v1/stages/cal-${s}`,
        { method: "PATCH", headers: admin, body: JSON.stringify({ status: "ended" }) },
        env,
      );
      if (ended.status !== 200) throw new Error(`updateStage: ${ended.status}`);
    }
    await time.runFor(WINDOW_MS + 75_000);
    const last = await runSync({ redis, db, config, now: time.now, log: () => {} });
    const analytics = {
      broadcasts: last.broadcasts ?? 0,
      viewerDayItems: last.items - last.snapshots - last.viewingRecordItems,
    };

    await wire.stop();

    // Jitter: the interval over the mean gap between a tab's successive heartbeats.
    const gaps = beats.flatMap((times) => times.slice(1).map((t, i) => t - times[i]!));
    const meanGapMs = gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length;
    const viewers = STAGES * VIEWERS_PER_STAGE;
    const minutes = 10;
    const nominal = (viewers * minutes * 60_000) / INTERVAL_MS;

    const cpu = await measureHeartbeatCpu({
      env: stack.env as unknown as Record<string, string>,
      viewers: 200,
      rounds: 10,
    });

    const packing = sync.viewingRecords / Math.max(1, sync.viewingRecordItems);
    const thisRun = {
      redisCommandsPerHeartbeat: heartbeat.commands / heartbeats,
      redisBytesPerHeartbeat: heartbeat.bytes / heartbeats,
      redisHeaderBytesPerHeartbeat: (heartbeat.wireBytes - heartbeat.bytes) / heartbeats,
      heartbeatsPerTabInterval: INTERVAL_MS / meanGapMs,
      workerCpuMsPerHeartbeat: cpu.heartbeatMs.median,
      workerCpuMsPerSyncedViewer: sync.cpuMs / sync.viewingRecords,
      syncCommandsPerStagePerRun: sync.commands / sync.runs / STAGES,
      syncBytesPerViewerPerRun: sync.bytes / sync.viewingRecords,
      viewingRecordPackingFactor: Math.floor(packing),
    } satisfies Partial<Record<keyof typeof MEASUREMENTS, number>>;
    const thisRunInputs: Partial<Workload> = {
      ...thisRun,
      syncCommandsPerRun: 0,
      // The model checks that packing fits 1 KB from a per-record size; derive it from the packing seen.
      viewingRecordBytes: Math.floor((1024 - 100) / Math.floor(packing)),
    };

    console.log(
      `\nSimulated: ${tabs.length} tabs (${viewers} viewers) on ${STAGES} stages, ${minutes} min virtual, ${heartbeats} heartbeats (${nominal} nominal: one a viewer every 30 s), ${heartbeat.requests} Upstash requests, ${sync.runs} sync runs.`,
    );
    console.log(
      `Heartbeats per viewer: ${(heartbeats / nominal).toFixed(3)} x nominal = ${(tabs.length / viewers).toFixed(2)} tabs (this simulation's audience) x ${(heartbeats / tabs.length / (minutes * 2)).toFixed(3)} a tab per interval over the run (the first heartbeat at once included); steady gap between a tab's heartbeats ${(meanGapMs / 1000).toFixed(2)} s (${gaps.length} gaps).\n`,
    );
    console.log("| input | assumed (workload.ts) | model (measured.ts) | this run |");
    console.log("|---|---:|---:|---:|");
    const assumed = defaultWorkload({ stages: STAGES });
    for (const [key, value] of Object.entries(thisRun) as [keyof typeof thisRun, number][]) {
      console.log(
        `| ${key} | ${assumed[key]} | ${MEASUREMENTS[key].value} | ${value.toFixed(key.startsWith("worker") ? 4 : 3)} |`,
      );
    }
    console.log(
      `| DynamoDB write units per stage per window | | | ${(sync.writeUnits / sync.runs / STAGES).toFixed(2)} (${sync.items} items: ${sync.snapshots} snapshots, ${sync.viewingRecordItems} packed items holding ${sync.viewingRecords} records) |`,
    );
    const ms = (x: { min: number; median: number; max: number }, digits = 3) =>
      `${x.min.toFixed(digits)} / ${x.median.toFixed(digits)} / ${x.max.toFixed(digits)}`;
    console.log(
      `\nCPU per call, ${cpu.rounds} rounds of ${cpu.viewers} calls in alternating order, ms min / median / max: heartbeat ${ms(cpu.heartbeatMs)}; bare Hono route + the same BITFIELD ${ms(cpu.bareMs)}; heartbeat minus bare per round ${ms(cpu.aboveBareMs)}; ratio ${ms(cpu.ratio, 2)}.`,
    );
    console.log(
      `Sync job CPU: ${sync.cpuMs.toFixed(1)} ms over ${sync.runs} runs of ${viewers} viewers (runs: ${syncCpuPerRunMs.map((x) => x.toFixed(1)).join(", ")} ms; ${(1000 * thisRun.workerCpuMsPerSyncedViewer).toFixed(1)} µs a viewer; the Workers Free plan allows 10 ms a run).`,
    );
    console.log(
      `Upstash bytes per heartbeat: ${thisRun.redisBytesPerHeartbeat.toFixed(1)} of bodies, ${(thisRun.redisBytesPerHeartbeat + thisRun.redisHeaderBytesPerHeartbeat).toFixed(1)} on the wire with HTTP/1.1 headers (${thisRun.redisHeaderBytesPerHeartbeat.toFixed(1)}: ${(heartbeat.requestHeaderBytes / heartbeats).toFixed(1)} in requests from @upstash/redis, ${(heartbeat.responseHeaderBytes / heartbeats).toFixed(1)} in the local endpoint's responses; loopback, no TLS, and none of the headers Cloudflare or Upstash add or answer in production).`,
    );

    console.log(
      `| analytics items when the broadcasts end | one a viewer a day, 5 write units a broadcast | ${analytics.viewerDayItems} viewers' day items for ${STAGES * VIEWERS_PER_STAGE} viewers, ${analytics.broadcasts} broadcasts summarised |`,
    );
    console.log(
      "\n| viewers | architecture | assumed $/month (plan) | model (measured.ts) $/month (plan) | this run $/month (plan) | model vs this run |",
    );
    console.log("|---:|---|---:|---:|---:|---:|");
    let disagreements = 0;
    const pick = (list: CostEstimate[], id: string) => list.find((e) => e.architecture === id)!;
    for (const viewers of [10_000, 50_000, 1_000_000]) {
      const stages = Math.max(STAGES, viewers / 1000);
      const assumedBill = compareArchitectures(defaultWorkload({ viewers, stages }));
      const model = compareArchitectures(measuredWorkload({ viewers, stages }));
      const run = compareArchitectures(measuredWorkload({ ...thisRunInputs, viewers, stages }));
      const withHeaders = compareArchitectures(
        measuredWorkload({ ...thisRunInputs, viewers, stages, redisBandwidthCountsHeaders: 1 }),
      );
      for (const id of ["redis-snapshots-fixed", "redis-snapshots-payg"] as const) {
        const a = pick(assumedBill, id);
        const m = pick(model, id);
        const r = pick(run, id);
        const gap = (m.total - r.total) / r.total;
        if (viewers <= 50_000 && Math.abs(gap) > AGREEMENT) disagreements++;
        console.log(
          `| ${viewers.toLocaleString("en-US")} | ${m.label} | ${a.total.toFixed(0)}${planOf(a)} | ${m.total.toFixed(0)}${planOf(m)} | ${r.total.toFixed(0)}${planOf(r)} | ${gap >= 0 ? "+" : ""}${(100 * gap).toFixed(1)} % |`,
        );
      }
      const h = pick(withHeaders, "redis-snapshots-fixed");
      console.log(
        `| ${viewers.toLocaleString("en-US")} | Upstash fixed + snapshots, if Upstash meters headers (this run) | | | ${h.total.toFixed(0)}${planOf(h)} | |`,
      );
    }
    if (disagreements > 0) {
      console.error(
        `\n${disagreements} estimate(s) at 10,000 or 50,000 viewers differ by more than ${100 * AGREEMENT} % between the model's measured inputs and this run: update cost/measured.ts.`,
      );
      process.exitCode = 1;
    } else {
      console.log(
        `\nThe model's measured inputs and this run agree within ${100 * AGREEMENT} % at 10,000 and 50,000 viewers.`,
      );
    }
  } finally {
    await stack.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
