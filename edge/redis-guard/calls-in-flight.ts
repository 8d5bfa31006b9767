import type { RedisGuardLimits } from "../redis-guard";

/** One call in flight: when it started (epoch ms). */
export interface CallInFlight {
  startedAtMs: number;
}

/**
 * The calls in flight to one database, each counted until it settles or its lease
 * (`callLeaseMs`) ends: a request the client cancels may never report back.
 */
export function callsInFlight(limits: Pick<RedisGuardLimits, "maxInFlight" | "callLeaseMs">) {
  const calls = new Set<CallInFlight>();
  return {
    /** Whether `maxInFlight` calls are in flight at `nowMs` (calls past their lease dropped). */
    full(nowMs: number): boolean {
      if (calls.size < limits.maxInFlight) return false;
      for (const call of calls) {
        // Past its lease: its request was cancelled, not answered.
        if (nowMs - call.startedAtMs >= limits.callLeaseMs) calls.delete(call);
      }
      return calls.size >= limits.maxInFlight;
    },
    start(nowMs: number): CallInFlight {
      const call = { startedAtMs: nowMs };
      calls.add(call);
      return call;
    },
    end(call: CallInFlight): void {
      calls.delete(call);
    },
  };
}
