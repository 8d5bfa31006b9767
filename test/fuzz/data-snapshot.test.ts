/**
 * The fuzz's "refused request changed data" check is only as exact as its snapshots: a key that
 * expires on its own between two reads is no change (seed 689437864 once reported `rs` doing so
 * as two findings), and a key deleted, rewritten or given another expiry is one.
 */
import { Redis } from "@upstash/redis";
import { describe, expect, it } from "vitest";
import { createHarness } from "../in-process/harness";
import { createSnapshotter, snapshotDiff } from "./data-snapshot";

function setup() {
  const h = createHarness();
  const redis = new Redis({
    url: h.env.UPSTASH_REDIS_REST_URL!,
    token: h.env.UPSTASH_REDIS_REST_TOKEN!,
    enableTelemetry: false,
  });
  const key = (name: string) => `${h.env.REDIS_KEY_PREFIX}${name}`;
  return { redis, key, snapshots: createSnapshotter(h.env) };
}

/** Waits until Redis has dropped `key` by its own expiry (no fixed sleep). */
async function untilExpired(redis: Redis, key: string) {
  while ((await redis.pttl(key)) !== -2) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe("data snapshots", () => {
  it("see no change when a key expires on its own between two reads", async () => {
    const { redis, key, snapshots } = setup();
    // As `rs` is written after a restore: an expiry in real time, whatever the test's clock.
    // Long enough that the first snapshot sees it on a loaded machine (40 ms did not, once).
    await redis.set(key("rs"), "1764244810000", { px: 2_000 });
    await redis.set(key("m"), "full");
    const before = await snapshots.take("none", []);
    expect(Object.keys(before.redis as object)).toContain(key("rs"));
    await untilExpired(redis, key("rs"));
    expect(snapshotDiff(before, await snapshots.take("none", []))).toEqual([]);
  });

  it("see a key deleted before its expiry, rewritten, or given another expiry", async () => {
    const { redis, key, snapshots } = setup();
    await redis.set(key("deleted"), "x", { px: 60_000 });
    await redis.set(key("rewritten"), "x", { px: 60_000 });
    await redis.set(key("extended"), "x", { px: 60_000 });
    await redis.set(key("persisted"), "x", { px: 60_000 });
    await redis.set(key("kept"), "x", { px: 60_000 });
    const before = await snapshots.take("none", []);
    await redis.del(key("deleted"));
    await redis.set(key("rewritten"), "y", { keepTtl: true });
    await redis.pexpire(key("extended"), 70_000);
    await redis.persist(key("persisted"));
    const changed = snapshotDiff(before, await snapshots.take("none", []));
    const named = (name: string) => changed.some((line) => line.startsWith(`redis ${key(name)}:`));
    expect(["deleted", "rewritten", "extended", "persisted", "kept"].filter(named)).toEqual([
      "deleted",
      "rewritten",
      "extended",
      "persisted",
    ]);
  });

  it("see a key gone that could not yet have expired (pure: the spans decide)", () => {
    const entry = { type: "string", value: "1", pttlMs: 1_000 };
    const snapshot = (fromMs: number, toMs: number, present: boolean) => ({
      redis: present ? { rs: entry } : {},
      redisRead: { fromMs, toMs },
    });
    // Read at 10,000-10,005 ms with 1,000 ms left: it expires from 11,000 ms at the earliest.
    const before = snapshot(10_000, 10_005, true);
    expect(snapshotDiff(before, snapshot(10_990, 11_001, false))).toEqual([]);
    expect(snapshotDiff(before, snapshot(10_900, 10_990, false))).toHaveLength(1);
  });
});
