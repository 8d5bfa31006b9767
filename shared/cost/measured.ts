/**
 * What this system's heartbeat was measured to cost at Upstash on the local stack
 * (`npm run cost:calibrate`, BENCHMARKS.md, 2026-11-30): 26,400 heartbeats from the typed
 * client's heartbeat loop, 1,000 viewers (1,200 tabs) on 10 stages, 10 minutes of virtual time.
 * Used where an estimate should describe this system as built rather than as assumed. Every
 * viewer joins within those 10 minutes, so a fifth of the figure is joining (an index handed
 * out, a ticket answered); in the steady state a heartbeat costs 1.027 commands (`npm run bench`,
 * 200 viewers a stage, rounds after the first).
 */
export const MEASURED_HEARTBEAT = {
  /**
   * Billed commands per heartbeat: one BITFIELD, plus each viewer's first heartbeat (a script
   * that hands out the index), a count per stage and a registry check per isolate every 10 s.
   */
  redisCommandsPerHeartbeat: 1.31,
  /** Request plus response body bytes per heartbeat. */
  redisBytesPerHeartbeat: 103,
  measuredOn: "2026-11-30",
  command: "npm run cost:calibrate",
} as const;
