import { heartbeatIntervalForBudget } from "@viewer-presence/cost/budget";
import type { Config } from "@viewer-presence/shared/config";
import {
  type Cadence,
  type CadenceConfig,
  cadenceFor,
  parseChosenInterval,
} from "@viewer-presence/shared/heartbeat-cadence";
import type { RedisKeys } from "@viewer-presence/shared/redis-keys";
import type { SyncRedis } from "./sync-redis";

/** The sync job's view of the cadence also needs how Upstash bills (to price the hot path). */
export type SyncCadenceConfig = CadenceConfig & Pick<Config, "upstashBilling">;

/**
 * The longest presence TTL the edge may be using, in s: what pruning must respect, since an
 * isolate may still run on the interval chosen before this run changes it.
 */
export function maxPresenceTtlSec(config: CadenceConfig): number {
  return cadenceFor(config, config.heartbeatIntervalMaxSec).presenceTtlSec;
}

/** The cadence in force now: reads `iv` (one GET) only when a budget is configured. */
export async function readCadence(
  redis: Pick<SyncRedis, "get">,
  keys: RedisKeys,
  config: CadenceConfig,
): Promise<Cadence> {
  if (config.hotPathBudgetUsd === undefined) return cadenceFor(config);
  const chosen = parseChosenInterval(await redis.get<string>(keys.heartbeatInterval()));
  return cadenceFor(config, chosen);
}

/**
 * Chooses the interval that keeps the hot path within HOT_PATH_BUDGET_USD for `viewers` live
 * viewers (cost/budget.ts) and stores it in `iv` for the edge, as JSON
 * `{ intervalSec, viewers, hotPathMonthlyUsd, at }`. On an Upstash fixed plan commands are not
 * billed, so only the Workers tier counts. Returns the interval, or `undefined` with no budget.
 */
export async function chooseInterval(
  redis: Pick<SyncRedis, "set">,
  keys: RedisKeys,
  config: SyncCadenceConfig,
  viewers: number,
  nowMs: number,
): Promise<number | undefined> {
  if (config.hotPathBudgetUsd === undefined) return undefined;
  const choice = heartbeatIntervalForBudget({
    viewers,
    monthlyBudgetUsd: config.hotPathBudgetUsd,
    baseIntervalSec: config.heartbeatIntervalSec,
    maxIntervalSec: config.heartbeatIntervalMaxSec,
    ...(config.upstashBilling === "fixed" ? { workload: { redisCommandsPerHeartbeat: 0 } } : {}),
  });
  await redis.set(
    keys.heartbeatInterval(),
    JSON.stringify({
      intervalSec: choice.intervalSec,
      viewers,
      hotPathMonthlyUsd: Math.round(choice.hotPathMonthlyUsd * 100) / 100,
      at: new Date(nowMs).toISOString(),
    }),
  );
  return choice.intervalSec;
}
