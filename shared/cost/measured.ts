/**
 * What this system's heartbeat was measured to cost at Upstash on the local stack
 * (`npm run bench`, BENCHMARKS.md, 2026-11-27): 12,000 heartbeats from 1,000 viewers.
 * Used where an estimate should describe this system as built rather than as assumed.
 */
export const MEASURED_HEARTBEAT = {
  /** Billed commands per heartbeat: ZADD + HSET, plus a ZCOUNT per isolate every 5 s. */
  redisCommandsPerHeartbeat: 2.02,
  /** Request plus response body bytes per heartbeat (101 + 28). */
  redisBytesPerHeartbeat: 129,
  measuredOn: "2026-11-27",
  command: "npm run bench",
} as const;
