/**
 * Fills Redis as the edge leaves it after one full 5-minute window: every viewer marked all 10
 * slots of 30 s (`ZADD w2:<stage>:<window> 0 <viewer>|<offset>|30`), is present
 * (`ZADD p:<stage>`), and every stage is in the registry. Sent as pipelines of about 10,000
 * members a request, so a million viewers (ten million members) seed in minutes, not hours.
 */
import type { Redis } from "@upstash/redis";
import { type RedisKeys, watchMember } from "../../shared/redis-keys";

/** Members per pipelined request while seeding. */
const SEED_MEMBERS_PER_REQUEST = 10_000;
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

type Batch = { key: string; members: { score: number; member: string }[] }[];

/** Sends ZADDs in pipelines of about SEED_MEMBERS_PER_REQUEST members. */
async function zaddAll(redis: Redis, batches: Iterable<Batch[number]>): Promise<void> {
  let pending: Batch = [];
  let size = 0;
  const send = async () => {
    const pipeline = redis.pipeline();
    for (const { key, members } of pending) pipeline.zadd(key, members[0]!, ...members.slice(1));
    await pipeline.exec();
    pending = [];
    size = 0;
  };
  for (const batch of batches) {
    pending.push(batch);
    size += batch.members.length;
    if (size >= SEED_MEMBERS_PER_REQUEST) await send();
  }
  if (pending.length > 0) await send();
}

/** Yields each stage's viewers in runs of at most `per` (bounded memory at a million). */
function* chunks(plan: SeedPlan, per: number) {
  const ids = stageIds(plan);
  for (let s = 0; s < plan.stages; s++) {
    for (let v = 0; v < plan.viewersPerStage; v += per) {
      const end = Math.min(v + per, plan.viewersPerStage);
      const viewers: string[] = [];
      for (let i = v; i < end; i++) viewers.push(viewerId(s * plan.viewersPerStage + i));
      yield { stageId: ids[s]!, viewers };
    }
  }
}

/**
 * Seeds the plan; presence last and stamped `presenceAtMs`, so viewers are live when the run
 * starts (a run prunes presence older than the presence TTL, which seeding could outlast).
 */
export async function seedWindows(
  redis: Redis,
  keys: RedisKeys,
  plan: SeedPlan,
  presenceAtMs: () => number,
): Promise<void> {
  const perRequest = SEED_MEMBERS_PER_REQUEST / SLOTS;
  await zaddAll(
    redis,
    (function* () {
      for (const { stageId, viewers } of chunks(plan, perRequest)) {
        const members = viewers.flatMap((viewer) =>
          Array.from({ length: SLOTS }, (_, slot) => ({
            score: 0,
            member: watchMember(viewer, { offsetSec: slot * SLOT_SEC, widthSec: SLOT_SEC }),
          })),
        );
        yield { key: keys.watch(stageId, plan.window), members };
      }
    })(),
  );
  const at = presenceAtMs();
  await zaddAll(
    redis,
    (function* () {
      for (const { stageId, viewers } of chunks(plan, SEED_MEMBERS_PER_REQUEST)) {
        yield {
          key: keys.presence(stageId),
          members: viewers.map((member) => ({ score: at, member })),
        };
      }
    })(),
  );
  const ids = stageIds(plan);
  await redis.sadd(keys.stages(), ids[0]!, ...ids.slice(1));
  // The registry is whole: the run does not try to restore it from DynamoDB.
  await redis.set(keys.marker(), "full");
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
