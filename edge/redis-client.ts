import type { Redis } from "@upstash/redis";
import { StoreUnavailableError } from "./problems";

/** The Redis calls the edge makes; tests and callers pass any client that has them. */
export type EdgeRedis = Pick<
  Redis,
  "pipeline" | "eval" | "createScript" | "get" | "set" | "zrem" | "zcount" | "smembers" | "ping"
>;

/** Runs a Redis call; any failure (network, auth, a Redis error) becomes a 503 for the client. */
export async function redisCall<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new StoreUnavailableError("redis", { cause: error });
  }
}
