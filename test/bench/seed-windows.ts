/**
 * Fills Redis as the edge leaves it after one full 5-minute window (docs/redis-layout.md):
 * every viewer has an index in the window's hour (`RPUSH il:<stage>:<epoch>
 * <viewer>|<country>|<device>`, `HSET ix:<stage>:<epoch>`, the epoch listed in `ixs`; countries
 * and devices spread over the viewers, see `audienceOf`) and both bits (present, watched) set in
 * all 10 slot bitmaps of 30 s (`b:<stage>:<window>:<offset>:30`), as ten heartbeats of
 * `BITFIELD SET u2 #<index> 3` leave them. Seeded as test/sync/harness.ts's `markBitmapSlots`
 * does (RPUSH + HSET + BITFIELD in one pipelined request per 4,096 viewers), except that every
 * viewer marks every slot, so the bits go in whole 32-bit words (16 viewers a `SET u32`): the
 * same bytes. Nothing is seeded in the open window, so the live count finds no one present.
 *
 * Every stage is in the registry, so a million viewers seed in a minute or so.
 */
import type { Redis } from "@upstash/redis";
import { type Audience, audienceTag, type DeviceClass } from "@viewer-presence/shared/audience";
import { createRedis } from "@viewer-presence/shared/clients";
import { parseConfig } from "@viewer-presence/shared/config";
import { type RedisKeys, redisKeys } from "@viewer-presence/shared/redis-keys";
import { epochOfWindow, PRESENT_AND_WATCHED } from "@viewer-presence/shared/slot-bitmaps";

/** Viewers per pipelined request while seeding bitmaps (a multiple of 16: whole u32 words). */
const SEED_VIEWERS_PER_REQUEST = 4_096;
const SLOTS = 10;
const SLOT_SEC = 30;

export interface SeedPlan {
  stages: number;
  viewersPerStage: number;
  /** The closed window to fill (window index). */
  window: number;
}

/** Stage ids of a plan: `s00000`, `s00001`, ... */
export function stageIds(plan: SeedPlan): string[] {
  return Array.from({ length: plan.stages }, (_, s) => `s${String(s).padStart(5, "0")}`);
}

/** A viewer id of 20 characters, unique across the plan's stages (`u0001234@example.com`). */
export function viewerId(n: number): string {
  return `u${String(n).padStart(7, "0")}@example.com`;
}

const COUNTRIES = ["US", "DE", "BR", "IN", "GB", "FR", "JP", "MX", "ES", "unknown"];
const DEVICES: DeviceClass[] = ["mobile", "desktop", "mobile", "tv", "desktop", "other"];

/** Viewer n's country and device: 10 countries and 4 device classes, spread evenly. */
export function audienceOf(n: number): Audience {
  return { country: COUNTRIES[n % COUNTRIES.length]!, device: DEVICES[n % DEVICES.length]! };
}

/** Yields each stage's viewers in runs of at most `per` (bounded memory at a million). */
function* chunks(plan: SeedPlan, per: number) {
  const ids = stageIds(plan);
  for (let s = 0; s < plan.stages; s++) {
    for (let v = 0; v < plan.viewersPerStage; v += per) {
      const end = Math.min(v + per, plan.viewersPerStage);
      const viewers: string[] = [];
      const numbers: number[] = [];
      for (let i = v; i < end; i++) {
        numbers.push(s * plan.viewersPerStage + i);
        viewers.push(viewerId(s * plan.viewersPerStage + i));
      }
      yield { stageId: ids[s]!, first: v, viewers, numbers };
    }
  }
}

/**
 * What a seeding bench runs the app with on its stack (`stackEnv`): bench secrets and the key
 * prefix `bench:`, as variables (`env`, for a child run or `wrangler dev`) and parsed
 * (`config`); and the Redis client and keys to seed with, whose calls get a minute each
 * (seeding pipelines are large; the sync job's calls get 5 s).
 */
export function seedingTarget(stackEnv: object) {
  const env: Record<string, string> = {
    ...(stackEnv as Record<string, string>),
    ADMIN_API_KEY: "bench-admin-key-0123456789",
    VIEWER_TOKEN_SECRET: "bench-viewer-token-secret-0123456789abcdef",
    REDIS_KEY_PREFIX: "bench:",
  };
  const config = parseConfig(env);
  const redis = createRedis(config, { timeoutMs: 60_000 });
  return { env, config, redis, keys: redisKeys(config.redisKeyPrefix) };
}

/** Seeds the plan (see the top of this file). */
export async function seedWindows(redis: Redis, keys: RedisKeys, plan: SeedPlan): Promise<void> {
  await seedBitmapWindows(redis, keys, plan);
  const ids = stageIds(plan);
  await redis.sadd(keys.stages(), ids[0]!, ...ids.slice(1));
  // The registry is whole: the run does not try to restore it from DynamoDB.
  await redis.set(keys.marker(), "full");
}

/** Every u2 of a 32-bit word set: 16 viewers present and watched. */
const FULL_WORD = 0xffff_ffff;

/**
 * The slot-bitmap layout: indexes 0.. in RPUSH order for each stage's viewers in the window's
 * epoch, and all ten bitmaps with both bits of every index. Whole stages share a request while
 * they fit SEED_VIEWERS_PER_REQUEST (10,000 stages of 100 take 250 requests, not 10,000).
 */
async function seedBitmapWindows(redis: Redis, keys: RedisKeys, plan: SeedPlan): Promise<void> {
  const epoch = epochOfWindow(plan.window);
  let pipeline = redis.pipeline();
  let viewersInRequest = 0;
  let indexed: string[] = [];
  const send = async () => {
    if (indexed.length > 0) pipeline.sadd(keys.indexedEpochs(), indexed[0]!, ...indexed.slice(1));
    await pipeline.exec();
    pipeline = redis.pipeline();
    viewersInRequest = 0;
    indexed = [];
  };
  // Chunks start at multiples of SEED_VIEWERS_PER_REQUEST (of 16), so at a word boundary.
  for (const { stageId, first, viewers, numbers } of chunks(plan, SEED_VIEWERS_PER_REQUEST)) {
    if (first === 0) indexed.push(`${stageId}:${epoch}`);
    // As the heartbeat script hands out an index: the id with the viewer's audience tag.
    pipeline.rpush(
      keys.viewerList(stageId, epoch),
      ...viewers.map((viewer, i) => `${viewer}|${audienceTag(audienceOf(numbers[i]!))}`),
    );
    pipeline.hset(
      keys.viewerIndex(stageId, epoch),
      Object.fromEntries(viewers.map((viewer, i) => [viewer, first + i])),
    );
    const last = first + viewers.length - 1;
    for (let slot = 0; slot < SLOTS; slot++) {
      const bits = pipeline.bitfield(
        keys.slotBitmap(stageId, plan.window, { offsetSec: slot * SLOT_SEC, widthSec: SLOT_SEC }),
      );
      let index = first;
      // Whole words of 16 viewers, then the rest one u2 each (what a heartbeat sets).
      for (; index + 15 <= last; index += 16) bits.set("u32", `#${index / 16}`, FULL_WORD);
      for (; index <= last; index++) bits.set("u2", `#${index}`, PRESENT_AND_WATCHED);
      bits.exec();
    }
    viewersInRequest += viewers.length;
    if (viewersInRequest >= SEED_VIEWERS_PER_REQUEST) await send();
  }
  if (viewersInRequest > 0) await send();
}

/** Bytes Redis uses (INFO memory `used_memory`), through the REST endpoint. */
export async function redisUsedMemory(url: string, token: string): Promise<number> {
  const response = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: JSON.stringify(["INFO", "memory"]),
  });
  const { result } = (await response.json()) as { result: string };
  return Number(/used_memory:(\d+)/.exec(result)?.[1]);
}
