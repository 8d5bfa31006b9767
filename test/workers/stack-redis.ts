import { Redis } from "@upstash/redis";
import { inject } from "vitest";

/** A client of the Redis the worker under test uses (the stack globalSetup started), raw replies. */
export function stackRedis(): Redis {
  const stack = inject("stackEnv");
  return new Redis({
    url: stack.UPSTASH_REDIS_REST_URL,
    token: stack.UPSTASH_REDIS_REST_TOKEN,
    enableTelemetry: false,
    automaticDeserialization: false,
  });
}
