/**
 * `npm run cost:calibrate`: the cost model's inputs measured instead of assumed.
 *
 * A simulated audience (the typed client's heartbeat loop, one per tab: 1,000 viewers on 10
 * stages, a fifth of them with two tabs) runs for 10 minutes of virtual time against the app on
 * the local stack (real Redis through the Upstash REST protocol, real DynamoDB-API server); the
 * sync job runs after each 5-minute window as the cron would. The Upstash-compatible endpoint
 * counts commands and bytes; the job reports the write units DynamoDB consumed. Then the
 * monthly bill at 10k, 50k and 1M viewers is projected with the assumed and the measured inputs.
 */

import { createApp } from "../../edge/app";
import { startHeartbeatLoop } from "../../openapi/client";
import { createDocumentClient, createRedis } from "../../shared/clients";
import { parseConfig } from "../../shared/config";
import { compareArchitectures, defaultWorkload, type Workload } from "../../shared/cost";
import { SYNC_CALL_DEADLINES } from "../../shared/deadlines";
import { signViewerToken } from "../../shared/viewer-token";
import { WINDOW_MS } from "../../shared/windows";
import { runSync } from "../../sync/run-sync";
import { startLocalStack } from "../stack";
import { VirtualTime } from "./virtual-time";

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

async function main() {
  const stack = await startLocalStack();
  const env = {
    ...stack.env,
    ADMIN_API_KEY: ADMIN,
    VIEWER_TOKEN_SECRET: SECRET,
    REDIS_KEY_PREFIX: "cal:",
  };
  const config = parseConfig(env);
  // Start 10 s into a window, as a real audience would be (windows are epoch-aligned).
  const time = new VirtualTime(Date.UTC(2026, 10, 27, 12, 0, 10));
  // 1,200 loops start together in virtual time, so one process sends a burst of them through the
  // local endpoint's single Redis connection: a longer deadline than production's 1 s, so the
  // simulation measures commands, not the queue of a burst no Worker isolate would see.
  const app = createApp({
    now: time.now,
    clients: { redis: (config) => createRedis(config, { timeoutMs: 30_000 }) },
  });
  const fetchApp = (request: Request) => time.track(Promise.resolve(app.fetch(request, env)));
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

    stack.proxy.resetStats();
    let heartbeats = 0;
    const random = seeded(42);
    const loops = tabs.map(({ stageId, token }) =>
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
        onUpdate: () => heartbeats++,
        onError: (problem) => {
          throw new Error(`heartbeat failed: ${problem.status} ${problem.detail ?? problem.title}`);
        },
      }),
    );

    const sync = {
      commands: 0,
      bytes: 0,
      runs: 0,
      writeUnits: 0,
      items: 0,
      viewingRecords: 0,
      viewingRecordItems: 0,
      snapshots: 0,
    };
    const heartbeat = { commands: 0, bytes: 0 };
    const redis = createRedis(config, SYNC_CALL_DEADLINES.redis);
    const db = createDocumentClient(config, SYNC_CALL_DEADLINES.dynamo);
    const windowEnd = () => (Math.floor(time.nowMs / WINDOW_MS) + 1) * WINDOW_MS;
    for (let window = 0; window < 2; window++) {
      // Run the audience to 15 s past the window's end (the job's grace), then sync as cron would.
      await time.runFor(windowEnd() + 15_000 - time.nowMs);
      const hot = stack.proxy.stats();
      heartbeat.commands += hot.commands;
      heartbeat.bytes += hot.requestBytes + hot.responseBytes;
      stack.proxy.resetStats();
      const report = await runSync({ redis, db, config, now: time.now, log: () => {} });
      const cold = stack.proxy.stats();
      stack.proxy.resetStats();
      Object.assign(sync, {
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
    for (const loop of loops) void loop.stop();
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

    const packing = sync.viewingRecords / Math.max(1, sync.viewingRecordItems);
    const measured: Partial<Workload> = {
      stages: STAGES,
      redisCommandsPerHeartbeat: heartbeat.commands / heartbeats,
      redisBytesPerHeartbeat: heartbeat.bytes / heartbeats,
      syncCommandsPerRun: 0,
      syncCommandsPerStagePerRun: sync.commands / sync.runs / STAGES,
      viewingRecordPackingFactor: Math.floor(packing),
      // The model checks that packing fits 1 KB from a per-record size; derive it from the packing seen.
      viewingRecordBytes: Math.floor((1024 - 100) / Math.floor(packing)),
    };

    console.log(
      `\nSimulated: ${tabs.length} tabs (${STAGES * VIEWERS_PER_STAGE} viewers) on ${STAGES} stages, 10 min virtual, ${heartbeats} heartbeats, ${sync.runs} sync runs.\n`,
    );
    console.log("| input | assumed (model default) | measured |");
    console.log("|---|---:|---:|");
    const assumed = defaultWorkload({ stages: STAGES });
    for (const key of [
      "redisCommandsPerHeartbeat",
      "redisBytesPerHeartbeat",
      "syncCommandsPerStagePerRun",
      "viewingRecordPackingFactor",
    ] as const) {
      console.log(`| ${key} | ${assumed[key]} | ${Number(measured[key]).toFixed(2)} |`);
    }
    console.log(
      `| DynamoDB write units per stage per window | | ${(sync.writeUnits / sync.runs / STAGES).toFixed(2)} (${sync.items} items: ${sync.snapshots} snapshots, ${sync.viewingRecordItems} packed items holding ${sync.viewingRecords} records) |`,
    );

    console.log(
      `| analytics items when the broadcasts end | one a viewer a day, 5 write units a broadcast | ${analytics.viewerDayItems} viewers' day items for ${STAGES * VIEWERS_PER_STAGE} viewers, ${analytics.broadcasts} broadcasts summarised |`,
    );
    console.log(
      "\n| viewers | architecture | assumed $/month (plan) | measured $/month (plan) | gap |",
    );
    console.log("|---:|---|---:|---:|---:|");
    for (const viewers of [10_000, 50_000, 1_000_000]) {
      const stages = Math.max(STAGES, viewers / 1000);
      const before = compareArchitectures(defaultWorkload({ viewers, stages }));
      const after = compareArchitectures(defaultWorkload({ ...measured, viewers, stages }));
      for (const id of ["redis-snapshots-fixed", "redis-snapshots-payg"] as const) {
        const a = before.find((estimate) => estimate.architecture === id)!;
        const m = after.find((estimate) => estimate.architecture === id)!;
        const gap = ((m.total - a.total) / a.total) * 100;
        console.log(
          `| ${viewers.toLocaleString("en-US")} | ${m.label} | ${a.total.toFixed(0)}${planOf(a)} | ${m.total.toFixed(0)}${planOf(m)} | ${gap >= 0 ? "+" : ""}${gap.toFixed(1)} % |`,
        );
      }
    }
  } finally {
    await stack.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
