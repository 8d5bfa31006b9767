/**
 * CPU per heartbeat, in-process: the whole app's steady heartbeat (token check, ticket, one
 * BITFIELD, JSON) against a bare Hono route that sends the same BITFIELD through the same
 * client library and answers JSON, in the same process and run, in alternating order (A B, B A,
 * ...). Each round sends one call per viewer, one after another, and reads process CPU
 * (user + system) around it. The stack must run in another process (bench-stack.ts), so its
 * servers' CPU is not counted. Node's fetch client is counted on both sides; workerd does that
 * I/O outside the isolate, so the absolute figures are an upper bound for a Worker, and the
 * difference is the app's own work.
 */

import { createRedis } from "@viewer-presence/shared/clients";
import { parseConfig } from "@viewer-presence/shared/config";
import { signViewerToken } from "@viewer-presence/tokens";
import { Hono } from "hono";
import { createApp } from "../../edge/app";

export interface CpuSummary {
  min: number;
  median: number;
  max: number;
}

export interface HeartbeatCpu {
  viewers: number;
  rounds: number;
  /** CPU ms per call, per round. */
  heartbeatMs: CpuSummary;
  bareMs: CpuSummary;
  /** Per round pair: heartbeat minus bare, and heartbeat over bare. */
  aboveBareMs: CpuSummary;
  ratio: CpuSummary;
}

export function summarise(values: readonly number[]): CpuSummary {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median =
    sorted.length % 2 === 1 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { min: sorted[0]!, median, max: sorted[sorted.length - 1]! };
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

const ADMIN = "cpu-bench-admin-key-0123456789";
const SECRET = "cpu-bench-viewer-token-secret-0123456789ab";

export async function measureHeartbeatCpu(options: {
  env: Record<string, string>;
  viewers: number;
  rounds: number;
}): Promise<HeartbeatCpu> {
  const env = {
    ...options.env,
    ADMIN_API_KEY: ADMIN,
    VIEWER_TOKEN_SECRET: SECRET,
    REDIS_KEY_PREFIX: "cpu:",
  };
  const clock = { nowMs: Date.UTC(2026, 10, 27, 13, 0, 5) };
  const app = createApp({ now: () => clock.nowMs });
  const stageId = "cpu-stage";
  const created = await app.request(
    "/v1/stages",
    {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: JSON.stringify({ id: stageId, title: stageId }),
    },
    env,
  );
  if (created.status !== 201) throw new Error(`createStage: ${created.status}`);
  const viewers: { token: string; ticket?: string }[] = [];
  for (let v = 0; v < options.viewers; v++) {
    const { token } = await signViewerToken({
      secret: SECRET,
      viewerId: `cpu-viewer-${v}`,
      stageId,
      ttlSec: 86_400,
      nowMs: clock.nowMs,
    });
    viewers.push({ token });
  }
  const heartbeatRound = async () => {
    for (const viewer of viewers) {
      const query = viewer.ticket === undefined ? "" : `?ticket=${viewer.ticket}`;
      const response = await app.request(
        `/v1/stages/${stageId}/heartbeats${query}`,
        { method: "POST", headers: { authorization: `Bearer ${viewer.token}` } },
        env,
      );
      if (response.status !== 200) throw new Error(`heartbeat ${response.status}`);
      viewer.ticket = ((await response.json()) as { ticket: string }).ticket;
    }
    clock.nowMs += 30_000;
  };

  // The floor: one BITFIELD through the same client library, JSON in and out.
  const redis = createRedis(parseConfig(env), { timeoutMs: 1_000 });
  const bare = new Hono();
  bare.post("/bare/:stage/:index", async (c) => {
    const index = Number(c.req.param("index"));
    await redis
      .bitfield(`cpu:bare:${c.req.param("stage")}`)
      .set("u2", `#${index}`, 3)
      .exec();
    return c.json({ stageId: c.req.param("stage"), viewers: 1 }, 200);
  });
  const bareRound = async () => {
    for (let v = 0; v < viewers.length; v++) {
      const response = await bare.request(`/bare/${stageId}/${v}`, { method: "POST" });
      if (response.status !== 200) throw new Error(`bare ${response.status}`);
      await response.json();
    }
  };

  // Warm-up: every viewer's first heartbeat (index handed out, ticket answered), then one
  // steady round of each, unmeasured.
  await heartbeatRound();
  await heartbeatRound();
  await bareRound();

  const heartbeat: number[] = [];
  const bareMs: number[] = [];
  const measure = async (round: () => Promise<void>, into: number[]) => {
    const before = cpuMs();
    await round();
    into.push((cpuMs() - before) / viewers.length);
  };
  for (let r = 0; r < options.rounds; r++) {
    if (r % 2 === 0) {
      await measure(heartbeatRound, heartbeat);
      await measure(bareRound, bareMs);
    } else {
      await measure(bareRound, bareMs);
      await measure(heartbeatRound, heartbeat);
    }
  }
  return {
    viewers: options.viewers,
    rounds: options.rounds,
    heartbeatMs: summarise(heartbeat),
    bareMs: summarise(bareMs),
    aboveBareMs: summarise(heartbeat.map((h, i) => h - bareMs[i]!)),
    ratio: summarise(heartbeat.map((h, i) => h / bareMs[i]!)),
  };
}
