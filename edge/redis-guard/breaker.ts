import type { RedisGuardLimits } from "../redis-guard";

/**
 * The breaker, as a small state machine. `closed`: calls go, counting consecutive silent
 * deadline misses. `open`: none goes until `untilMs`. `probing`: one call went (at `sinceMs`)
 * to see whether the database answers again; the others are refused until it returns or its
 * lease ends.
 */
type Breaker =
  | { state: "closed"; misses: number }
  | { state: "open"; untilMs: number }
  | { state: "probing"; sinceMs: number };

export type BreakerState = Breaker["state"];

/**
 * One database's breaker (see {@link createRedisGuard}): it opens after `tripAfterMisses`
 * silent deadline misses in a row, or when its probe misses; stays open `coolDownMs`; then lets
 * one probe go, and closes on the first call that comes back in time.
 */
export function createBreaker(
  limits: Pick<RedisGuardLimits, "tripAfterMisses" | "coolDownMs" | "callLeaseMs">,
) {
  let breaker: Breaker = { state: "closed", misses: 0 };
  /** Calls that came back in time, ever: a miss is silent if none did while it waited. */
  let answers = 0;
  return {
    get state(): BreakerState {
      return breaker.state;
    },
    get answers(): number {
      return answers;
    },
    /** Whether a call may go at `nowMs`: as any (`call`), as the probe, or not at all. */
    admit(nowMs: number): "breaker open" | "probe" | "call" {
      if (breaker.state === "probing" && nowMs < breaker.sinceMs + limits.callLeaseMs) {
        return "breaker open";
      }
      if (breaker.state === "open" && nowMs < breaker.untilMs) return "breaker open";
      if (breaker.state !== "closed") {
        breaker = { state: "probing", sinceMs: nowMs };
        return "probe";
      }
      return "call";
    },
    /** A call came back in time (an answer, or an error from a database that is there). */
    answered(): void {
      answers += 1;
      breaker = { state: "closed", misses: 0 };
    },
    /**
     * A call ran out of its deadline; `silent`: the database answered nothing meanwhile.
     * Returns whether the breaker opened.
     */
    missed(probe: boolean, silent: boolean, nowMs: number): boolean {
      const misses = breaker.state === "closed" && silent ? breaker.misses + 1 : 0;
      if (probe || misses >= limits.tripAfterMisses) {
        breaker = { state: "open", untilMs: nowMs + limits.coolDownMs };
        return true;
      }
      if (misses > 0) breaker = { state: "closed", misses };
      return false;
    },
  };
}
