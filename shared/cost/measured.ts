/**
 * What this system's heartbeat was measured to cost at Upstash on the local stack
 * (`npm run cost:calibrate`, BENCHMARKS.md, 2026-11-30): 26,400 heartbeats from the typed
 * client's heartbeat loop, 1,000 viewers (1,200 tabs) on 10 stages, 10 minutes of virtual time.
 * Used where an estimate should describe this system as built rather than as assumed. Larger
 * stages cost slightly less per heartbeat (`npm run bench`, 200 viewers a stage: 2.008).
 */
export const MEASURED_HEARTBEAT = {
  /** Billed commands per heartbeat: ZADD + ZADD, plus per-stage and per-isolate reads every 10 s. */
  redisCommandsPerHeartbeat: 2.06,
  /** Request plus response body bytes per heartbeat. */
  redisBytesPerHeartbeat: 137,
  measuredOn: "2026-11-30",
  command: "npm run cost:calibrate",
} as const;
