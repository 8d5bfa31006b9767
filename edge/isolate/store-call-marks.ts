import { InFlight } from "../in-flight";

/**
 * How long a request's mark that it is checking a stage, refreshing a count or checking the
 * registry holds at most (edge/in-flight.ts): the one Redis request that carries it, under its
 * 1 s deadline, plus the re-send of a script Redis lacked, under another.
 */
export const STORE_CALL_LEASE_MS = 2_000;
/**
 * How long a heartbeat waits (on its own timers) for another's stage check or count refresh
 * before doing its own: Upstash answers a Worker in a few ms to tens of ms, so a holder still
 * busy after this is slow or gone (its request cancelled), and two such waits keep a
 * heartbeat's answer within about a second.
 */
export const STORE_CALL_WAIT_MS = 500;

/** Marks of the requests carrying one kind of store call, so concurrent ones do not repeat it. */
export function storeCallMarks(): InFlight {
  return new InFlight(STORE_CALL_LEASE_MS, STORE_CALL_WAIT_MS);
}
