import { InFlight } from "../in-flight";
import { storeCallMarks } from "./store-call-marks";

/**
 * How often an isolate checks the registry (one `MGET m v rs g` riding on a request it sends
 * anyway): a stage ended or reopened elsewhere is honoured here within this time, and a Redis
 * that lost its data (marker `m` gone) is noticed within it.
 */
export const REGISTRY_CHECK_MS = 10_000;
/**
 * How long a request's mark that it is rebuilding the registry holds at most: a page of 100
 * stages costs a DynamoDB Query and a Redis pipeline, each under a 1 s deadline, and takes tens
 * of ms. A rebuild whose request died (cancelled) blocks others no longer than this; one that
 * takes longer gets a second, concurrent one (idempotent), never more than one per lease.
 */
export const RESTORE_LEASE_MS = 10_000;
/**
 * How long a request waits (on its own timers) for the rebuild another request of the isolate
 * runs, before answering 503 with Retry-After: a heartbeat answers within about a second.
 */
export const RESTORE_WAIT_MS = 1_000;

/** The key of the isolate's one registry in `restores` and `checks`. */
export const REGISTRY = "registry";

/** What the isolate last learnt from the registry check. */
export interface RegistryView {
  /** The value of `v` (null when no stage was ever changed since the data was restored). */
  version: string | null;
  /** When the check ran (epoch ms); 0 before the first. */
  checkedAtMs: number;
  /** Epoch ms of the last restore after a data loss, while `rs` exists. */
  restoredAtMs: number | undefined;
  /** The data generation `g` ("0" while none was set); undefined before the first check. */
  generation: string | undefined;
}

/** What one isolate knows of one database's registry, and the requests at work on it. */
export function createRegistryMemory() {
  return {
    view: {
      version: null,
      checkedAtMs: 0,
      restoredAtMs: undefined,
      generation: undefined,
    } as RegistryView,
    /** The registry's rebuild from DynamoDB, while a request runs it (key {@link REGISTRY}). */
    restores: new InFlight(RESTORE_LEASE_MS, RESTORE_WAIT_MS),
    /** A request carrying the registry check (key {@link REGISTRY}): others do not repeat it. */
    checks: storeCallMarks(),
  };
}

export type RegistryMemory = ReturnType<typeof createRegistryMemory>;

/** Whether the next request should carry the registry check (`MGET m v rs g`). */
export function registryCheckDue(registry: RegistryMemory, nowMs: number): boolean {
  return nowMs - registry.view.checkedAtMs >= REGISTRY_CHECK_MS;
}
