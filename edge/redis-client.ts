import type { Redis } from "@upstash/redis";
import {
  commandsIn,
  execPipeline,
  type PipelineStep,
} from "@viewer-presence/shared/pipeline-scripts";
import type { RedisGuard } from "./redis-guard";

/** The Redis calls the edge makes; tests and callers pass any client that has them. */
export type EdgeRedis = Pick<
  Redis,
  "pipeline" | "get" | "set" | "zrem" | "zcount" | "smembers" | "ping"
>;

/**
 * Runs a Redis call through its database's guard (the isolate state's `redisGuard`): any
 * failure (network, auth, a Redis error, the deadline) becomes a 503 for the client, and so does
 * a call the guard refuses unsent while the database is known down or makes calls wait.
 * `commands`: what the call is billed, which the guard's command budget charges: 1 for a single
 * command; a pipeline's or a script's from `commandsIn` (shared/pipeline-scripts.ts).
 */
export function redisCall<T>(guard: RedisGuard, run: () => Promise<T>, commands = 1): Promise<T> {
  return guard.call(run, commands);
}

/** A database as the edge calls it: its client, its guard, and the isolate's script digests. */
export interface GuardedRedis {
  redis: EdgeRedis;
  isolate: { redisGuard: RedisGuard; scriptSha1: (script: string) => Promise<string> };
}

/**
 * Sends `steps` as one pipelined request (shared/pipeline-scripts.ts `execPipeline`: scripts as
 * EVALSHA) through the database's guard, charged the commands they are billed. Every pipeline
 * and script call of the edge goes through here. Returns the replies in step order.
 */
export function pipelineCall(
  { redis, isolate }: GuardedRedis,
  steps: readonly PipelineStep[],
): Promise<unknown[]> {
  return redisCall(
    isolate.redisGuard,
    () => execPipeline(redis, steps, isolate.scriptSha1),
    commandsIn(steps),
  );
}
