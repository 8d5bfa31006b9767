/**
 * Redis memory per present viewer (`npx tsx test/bench/redis-memory.ts`, also run by
 * `npm run bench`): 5,000 viewers on one stage beat every 30 s through the app (in-process, on
 * an injected clock) for two whole windows, so Redis holds, per viewer, their presence, a
 * closed window awaiting sync and a complete open window: the steady state just before a sync
 * run. `used_memory` (INFO memory) of the stack's own redis-server is read before the first
 * heartbeat and after each window; per-key `MEMORY USAGE` shows where it goes. The same slots
 * written as the older hash layout (`w:`) are measured too, for comparison.
 */
import { createApp } from "../../edge/app";
import { redisKeys } from "../../shared/redis-keys";
import { signViewerToken } from "../../shared/viewer-token";
import { windowIndex, windowStartMs } from "../../shared/windows";
import { startLocalStack } from "../stack";
import { openRespConnection, type RespConnection } from "../stack/resp-connection";
import { TEST_TOKEN_SECRET, testBindings } from "../test-env";

const VIEWERS = 5_000;
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
    const beatAll = async () => {
      for (let i = 0; i < tokens.length; i += 200) {
        await Promise.all(
          tokens
            .slice(i, i + 200)
            .map((token) =>
              app.request(
                `/v1/stages/${stageId}/heartbeats`,
                { method: "POST", headers: { authorization: `Bearer ${token}` } },
                env,
              ),
            ),
        );
      }
    };

    const empty = await usedMemory(raw);
    for (let slot = 0; slot < 10; slot++, clock.nowMs += INTERVAL_MS) await beatAll();
    const oneWindow = await usedMemory(raw);
    for (let slot = 0; slot < 10; slot++, clock.nowMs += INTERVAL_MS) await beatAll();
    const twoWindows = await usedMemory(raw);

    const presence = await memoryUsage(raw, keys.presence(stageId));
    const closed = await memoryUsage(raw, keys.watch(stageId, window));
    const open = await memoryUsage(raw, keys.watch(stageId, window + 1));
    // The same slots in the older hash layout, for comparison.
    const legacyKey = keys.legacyWatch(stageId, window);
    for (let i = 0; i < VIEWERS; i += 500) {
      const fields: string[] = [];
      for (let v = i; v < Math.min(VIEWERS, i + 500); v++) {
        for (let slot = 0; slot < 10; slot++) {
          fields.push(`user-${String(v).padStart(8, "0")}-abcdef|${slot * 30}`, "30");
        }
      }
      await raw.send([["HSET", legacyKey, ...fields]]);
    }
    const legacy = await memoryUsage(raw, legacyKey);

    const per = (bytes: number) => (bytes / VIEWERS).toFixed(0);
    return [
      `${VIEWERS} viewers on one stage, 10 slots of 30 s per window, viewer ids of 20 characters; Redis ${(await raw.send([["INFO", "server"]])).toString().match(/redis_version:([\d.]+)/)?.[1]}`,
      "",
      "| Redis holds | used_memory above empty (bytes) | per viewer (bytes) |",
      "|---|---:|---:|",
      `| presence + one complete window | ${oneWindow - empty} | ${per(oneWindow - empty)} |`,
      `| presence + a closed window awaiting sync + a complete open window | ${twoWindows - empty} | ${per(twoWindows - empty)} |`,
      "",
      "| key | MEMORY USAGE (bytes) | per viewer (bytes) |",
      "|---|---:|---:|",
      `| presence \`p:\` (sorted set, score = last heartbeat) | ${presence} | ${per(presence)} |`,
      `| one window \`w2:\` (sorted set, 10 members a viewer) | ${closed} | ${per(closed)} |`,
      `| the other window \`w2:\` | ${open} | ${per(open)} |`,
      `| one window in the older hash layout \`w:\` (10 fields a viewer) | ${legacy} | ${per(legacy)} |`,
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
