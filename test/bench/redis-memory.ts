/**
 * Redis memory per present viewer (`npx tsx test/bench/redis-memory.ts`, also run by
 * `npm run bench`): 5,000 viewers on one stage beat every 30 s through the app (in-process, on
 * an injected clock), each sending back the last answer's ticket as the typed client does, for
 * two whole windows, so Redis holds, per viewer, their index for the hour, a closed window
 * awaiting sync and a complete open window (presence is the same bitmaps): the steady state
 * just before a sync run. `used_memory` (INFO memory) of the stack's own redis-server is read
 * before the first heartbeat and after each window; per-key `MEMORY USAGE` shows where it goes.
 * Commands per heartbeat are the proxy's count over the second window.
 */

import { redisKeys } from "@viewer-presence/shared/redis-keys";
import { epochOfWindow } from "@viewer-presence/shared/slot-bitmaps";
import { windowIndex, windowStartMs } from "@viewer-presence/shared/windows";
import { signViewerToken } from "@viewer-presence/tokens";
import { createApp } from "../../edge/app";
import { startLocalStack } from "../stack";
import { openRespConnection, type RespConnection } from "../stack/resp-connection";
import { TEST_TOKEN_SECRET, testBindings } from "../test-env";

const VIEWERS = 5_000;
const AT_THE_EDGE = {
  "cf-ipcountry": "DE",
  "user-agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/140.0 Safari/537.36",
};
const INTERVAL_MS = 30_000;

async function usedMemory(redis: RespConnection): Promise<number> {
  const [info] = await redis.send([["INFO", "memory"]]);
  const match = /used_memory:(\d+)/.exec(String(info));
  return Number(match?.[1]);
}

async function memoryUsage(redis: RespConnection, key: string): Promise<number> {
  const [bytes] = await redis.send([["MEMORY", "USAGE", key, "SAMPLES", "0"]]);
  return Number(bytes);
}

export async function benchRedisMemory(): Promise<string> {
  const stack = await startLocalStack();
  const raw = await openRespConnection(stack.redis.port);
  try {
    const env = testBindings(stack.env as unknown as Record<string, string>, {
      REDIS_KEY_PREFIX: "",
    });
    const keys = redisKeys("");
    const window = windowIndex(Date.UTC(2026, 10, 30, 12, 0, 0));
    const clock = { nowMs: windowStartMs(window) + 1_000 };
    const app = createApp({ now: () => clock.nowMs, logError: () => {} });
    const stageId = "memory-bench";
    const admin = {
      authorization: `Bearer ${env.ADMIN_API_KEY}`,
      "content-type": "application/json",
    };
    await app.request(
      "/v1/stages",
      { method: "POST", headers: admin, body: JSON.stringify({ id: stageId, title: "Memory" }) },
      env,
    );
    const tokens = await Promise.all(
      Array.from({ length: VIEWERS }, async (_, i) => {
        const viewerId = `user-${String(i).padStart(8, "0")}-abcdef`; // 20 characters
        const { token } = await signViewerToken({
          secret: TEST_TOKEN_SECRET,
          viewerId,
          stageId,
          ttlSec: 3600,
          nowMs: clock.nowMs,
        });
        return token;
      }),
    );
    const tickets: (string | undefined)[] = [];
    const beatAll = async () => {
      for (let i = 0; i < tokens.length; i += 200) {
        await Promise.all(
          tokens.slice(i, i + 200).map(async (token, j) => {
            const ticket = tickets[i + j];
            const response = await app.request(
              `/v1/stages/${stageId}/heartbeats${ticket === undefined ? "" : `?ticket=${ticket}`}`,
              // As Cloudflare delivers it: a country, and a browser's User-Agent.
              { method: "POST", headers: { authorization: `Bearer ${token}`, ...AT_THE_EDGE } },
              env,
            );
            tickets[i + j] = ((await response.json()) as { ticket: string }).ticket;
          }),
        );
      }
    };

    const empty = await usedMemory(raw);
    for (let slot = 0; slot < 10; slot++, clock.nowMs += INTERVAL_MS) await beatAll();
    const oneWindow = await usedMemory(raw);
    stack.proxy.resetStats();
    for (let slot = 0; slot < 10; slot++, clock.nowMs += INTERVAL_MS) await beatAll();
    const stats = stack.proxy.stats();
    const twoWindows = await usedMemory(raw);

    const epoch = epochOfWindow(window);
    const index = await memoryUsage(raw, keys.viewerIndex(stageId, epoch));
    const list = await memoryUsage(raw, keys.viewerList(stageId, epoch));
    let bitmaps = 0;
    for (let offset = 0; offset < 300; offset += 30) {
      bitmaps += await memoryUsage(
        raw,
        keys.slotBitmap(stageId, window, { offsetSec: offset, widthSec: 30 }),
      );
    }
    const heartbeats = VIEWERS * 10;

    const per = (bytes: number) => (bytes / VIEWERS).toFixed(0);
    return [
      `${VIEWERS} viewers on one stage, 10 slots of 30 s per window, viewer ids of 20 characters; Redis ${(await raw.send([["INFO", "server"]])).toString().match(/redis_version:([\d.]+)/)?.[1]}`,
      "",
      "| Redis holds | used_memory above empty (bytes) | per viewer (bytes) |",
      "|---|---:|---:|",
      `| the hour's index + one complete window | ${oneWindow - empty} | ${per(oneWindow - empty)} |`,
      `| the hour's index + a closed window awaiting sync + a complete open window | ${twoWindows - empty} | ${per(twoWindows - empty)} |`,
      "",
      "| key | MEMORY USAGE (bytes) | per viewer (bytes) |",
      "|---|---:|---:|",
      `| index \`ix:\` (hash, viewer -> index) | ${index} | ${per(index)} |`,
      `| index list \`il:\` (list, index -> viewer) | ${list} | ${per(list)} |`,
      `| one window: 10 slot bitmaps \`b:\` (2 bits a viewer each) | ${bitmaps} | ${per(bitmaps)} |`,
      "",
      `Second window, heartbeats with tickets: ${(stats.commands / heartbeats).toFixed(3)} commands and ${(stats.requestBytes / heartbeats).toFixed(0)} B sent per heartbeat (${stats.requests} requests for ${heartbeats} heartbeats).`,
    ].join("\n");
  } finally {
    await raw.close();
    await stack.stop();
  }
}

const invokedDirectly = process.argv[1]?.endsWith("redis-memory.ts");
if (invokedDirectly) {
  benchRedisMemory().then(
    (table) => console.log(table),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
