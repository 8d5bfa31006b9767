import { describe, expect, it } from "vitest";
import { syncTestContext } from "../test/sync/harness";
import { readHashes } from "./read-hashes";
import type { SyncRedis } from "./sync-redis";

describe("readHashes", () => {
  it("reads small and large hashes whole, the large ones in bounded pages", async () => {
    const t = syncTestContext();
    const big = `${t.config.redisKeyPrefix}big`;
    const small = `${t.config.redisKeyPrefix}small`;
    const absent = `${t.config.redisKeyPrefix}absent`;
    const bigFields = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`f${i}`, i]));
    await t.redis.hset(big, bigFields);
    await t.redis.hset(small, { a: 1, b: 2 });
    await t.redis.set(`${t.config.redisKeyPrefix}n`, "7");

    let requests = 0;
    const counting = {
      pipeline: () => {
        const pipeline = t.redis.pipeline();
        const exec = pipeline.exec.bind(pipeline);
        pipeline.exec = ((...args: Parameters<typeof exec>) => {
          requests++;
          return exec(...args);
        }) as typeof exec;
        return pipeline;
      },
    } as Pick<SyncRedis, "pipeline">;
    const { hashes, firstReplies } = await readHashes(counting, [big, small, absent], 500, (p) =>
      p.get(`${t.config.redisKeyPrefix}n`),
    );
    expect(firstReplies).toEqual(["7"]);
    expect(new Map(hashes.get(big))).toEqual(
      new Map(Object.entries(bigFields).map(([f, v]) => [f, String(v)])),
    );
    expect(hashes.get(small)).toEqual([
      ["a", "1"],
      ["b", "2"],
    ]);
    expect(hashes.get(absent)).toEqual([]);
    expect(requests).toBeGreaterThanOrEqual(3000 / 600);
  });
});
