/**
 * `npx tsx test/bench/hour-bench.ts`: billed Upstash commands per minute through a whole
 * second half of an hour and past its top, on an injected clock (the app in-process, one
 * isolate; the stack in a child process). `--viewers` viewers on `--stages` stages, each joining
 * before the run and then beating every 30 s at a phase of its own with its last ticket, as the
 * typed client does, from `--from` (default 12:25) to `--to` (13:05) of a day. Prints commands
 * per minute and per heartbeat for every minute, and the top of the hour's first minute against
 * the average minute. `--isolates N` sends the heartbeats to N apps in turn (N isolates over one
 * Redis, as Cloudflare spreads a stage's heartbeats); `--from`/`--to` (HH:MM) choose the minutes.
 *
 * Options: --viewers 1000 --stages 5 --isolates 1 --from 12:25 --to 13:05 [--json out.json]
 */
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { signViewerToken } from "@viewer-presence/tokens";
import { createApp } from "../../edge/app";
import { startBenchStack } from "./bench-stack";

const { values } = parseArgs({
  options: {
    viewers: { type: "string", default: "1000" },
    stages: { type: "string", default: "5" },
    isolates: { type: "string", default: "1" },
    from: { type: "string", default: "12:25" },
    to: { type: "string", default: "13:05" },
    json: { type: "string" },
  },
});
const ADMIN = "bench-admin-key-0123456789abcdef";
const SECRET = "bench-viewer-token-secret-0123456789abcdef";
const INTERVAL_MS = 30_000;
/** HH:MM of the bench's day, 2026-11-27 (UTC). */
function at(clock: string): number {
  const [hours, minutes] = clock.split(":").map(Number) as [number, number];
  return Date.UTC(2026, 10, 27, hours, minutes, 0);
}
const FROM = at(values.from);
const TO = at(values.to);

async function main() {
  const viewerCount = Number(values.viewers);
  const stageCount = Number(values.stages);
  const stack = await startBenchStack();
  try {
    const env = { ...stack.env, ADMIN_API_KEY: ADMIN, VIEWER_TOKEN_SECRET: SECRET };
    const clock = { nowMs: FROM - INTERVAL_MS };
    const apps = Array.from({ length: Number(values.isolates) }, () =>
      createApp({ now: () => clock.nowMs, logError: () => {} }),
    );
    const app = apps[0]!;
    const stageIds = Array.from({ length: stageCount }, (_, i) => `hour-${i}`);
    for (const id of stageIds) {
      const created = await app.request(
        "/v1/stages",
        {
          method: "POST",
          headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
          body: JSON.stringify({ id, title: id }),
        },
        env,
      );
      if (created.status !== 201) throw new Error(`createStage ${id}: ${created.status}`);
    }
    const viewers = await Promise.all(
      Array.from({ length: viewerCount }, async (_, i) => {
        const stageId = stageIds[i % stageCount]!;
        const { token } = await signViewerToken({
          secret: SECRET,
          viewerId: `v-${i}`,
          stageId,
          ttlSec: 86_400,
          nowMs: FROM,
        });
        return { stageId, token, ticket: undefined as string | undefined };
      }),
    );
    const beat = async (viewer: (typeof viewers)[number]) => {
      const query = viewer.ticket === undefined ? "" : `?ticket=${viewer.ticket}`;
      // Any isolate, as Cloudflare picks one (in turn, the same viewers would keep the same one).
      const response = await apps[Math.floor(Math.random() * apps.length)]!.request(
        `/v1/stages/${viewer.stageId}/heartbeats${query}`,
        { method: "POST", headers: { authorization: `Bearer ${viewer.token}` } },
        env,
      );
      if (response.status !== 200) throw new Error(`heartbeat: ${response.status}`);
      viewer.ticket = ((await response.json()) as { ticket: string }).ticket;
    };
    // Everyone joins in the interval before the run (their first heartbeats are not counted).
    for (let round = FROM - INTERVAL_MS; round < TO; round += INTERVAL_MS) {
      if (round === FROM) await stack.resetStats();
      for (let i = 0; i < viewers.length; i++) {
        clock.nowMs = round + Math.floor((i / viewers.length) * INTERVAL_MS);
        await beat(viewers[i]!);
      }
      if ((round + INTERVAL_MS - FROM) % 60_000 === 0 && round >= FROM) {
        const { commands } = await stack.stats();
        minutes.push({ minute: new Date(round - 30_000).toISOString().slice(11, 16), commands });
      }
    }
    const rows = minutes.map((row, i) => ({
      minute: row.minute,
      commands: row.commands - (minutes[i - 1]?.commands ?? 0),
    }));
    const perMinuteHeartbeats = viewerCount * (60_000 / INTERVAL_MS);
    const average = rows.reduce((sum, row) => sum + row.commands, 0) / rows.length;
    for (const row of rows) {
      console.log(
        `${row.minute}  ${String(row.commands).padStart(7)} commands  ${(row.commands / perMinuteHeartbeats).toFixed(3)} per heartbeat  ${(row.commands / average).toFixed(2)}x the average minute`,
      );
    }
    const top = rows.find((row) => row.minute.endsWith(":00"));
    console.log(
      `average minute ${average.toFixed(0)} commands; the top of the hour's first minute ${top?.commands} (${((top?.commands ?? 0) / average).toFixed(2)}x)`,
    );
    if (values.json !== undefined) {
      await writeFile(
        values.json,
        JSON.stringify({ viewerCount, stageCount, isolates: apps.length, rows, average }, null, 1),
      );
    }
  } finally {
    await stack.stop();
  }
}

const minutes: { minute: string; commands: number }[] = [];

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
