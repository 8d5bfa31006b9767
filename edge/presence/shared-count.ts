import { decodeSharedCount } from "@viewer-presence/shared/live-count";
import type { RestoreEstimate } from "@viewer-presence/shared/snapshot-estimate";
import { COUNT_CACHE_MS, type LiveCount } from "../isolate/count-memory";

/**
 * A stage's count shared between the isolates that serve it (issue 22, "Counts cost per
 * isolate"). Each isolate refreshes the count it answers every COUNT_CACHE_MS; counting is
 * COUNT_SCRIPT's five commands, so on Cloudflare, where a stage's heartbeats are spread over many
 * isolates, the count cost grew with the isolates rather than the audience. Now whoever counts
 * leaves the count in `c:<stage>` for COUNT_CACHE_MS (SHARED_COUNT_SCRIPT, one SET more), and an
 * isolate that found another isolate counting reads that key with its registry check (the MGET
 * it sends anyway) instead: about one count per stage per COUNT_CACHE_MS in all, plus a key in one
 * MGET per isolate.
 *
 * Who counts settles by itself. An isolate counts when it has no count yet, when it counted last
 * time, on a page's first heartbeat (whose answer must include the viewer) and when it checks
 * the stage; it then also reads `c:<stage>` (before its own count, in the same request), and
 * when another isolate counted since its last count, it only reads from then on. A reader that
 * finds the key gone (the counter stopped serving the stage) answers what it holds, its age in
 * `asOf`, and counts at its next heartbeat.
 */
export type CountRefresh =
  /** Count (SHARED_COUNT_SCRIPT), reading the shared count before it. */
  | "count"
  /** Read the shared count only, with the registry check. */
  | "read";

/** How a due refresh gets the count, from what the isolate holds. */
export function countRefresh(
  cached: LiveCount | undefined,
  { freshCount, checkStage }: { freshCount: boolean; checkStage: boolean },
): CountRefresh {
  // A stage check reads the registry inside HEARTBEAT_SCRIPT: no MGET to carry the key.
  if (freshCount || checkStage || cached?.readShared !== true) return "count";
  return "read";
}

/**
 * The count a refresh leaves in the isolate, and the time to file it under (the isolate's count
 * cache times a refresh from it): a count of its own, the shared count, or, when the shared
 * count was gone, what the isolate held, filed as before so the next heartbeat counts.
 */
export function refreshedCount(
  refresh: CountRefresh,
  {
    counted,
    sharedValue,
    held,
    estimate,
    nowMs,
  }: {
    /** COUNT_SCRIPT's count, when this refresh counted. */
    counted: number | undefined;
    /** What the MGET read of `c:<stage>` (null when absent); undefined when not read. */
    sharedValue: unknown;
    /** The count the isolate held, and how long it had held it. */
    held: { value: LiveCount; ageMs: number } | undefined;
    estimate: RestoreEstimate | undefined;
    nowMs: number;
  },
): { count: LiveCount; filedAtMs: number } | undefined {
  const shared = decodeSharedCount(sharedValue);
  const fresh = shared !== undefined && nowMs - shared.asOfMs < COUNT_CACHE_MS ? shared : undefined;
  if (refresh === "count") {
    // Another isolate counted since this one last did: from now on, read what it leaves.
    const other = fresh !== undefined && fresh.asOfMs !== held?.value.asOfMs;
    return {
      count: { live: counted!, estimate, asOfMs: nowMs, readShared: other },
      filedAtMs: nowMs,
    };
  }
  if (fresh !== undefined) {
    return {
      count: { live: fresh.live, estimate, asOfMs: fresh.asOfMs, readShared: true },
      filedAtMs: nowMs,
    };
  }
  if (held === undefined) return undefined;
  return {
    count: { ...held.value, estimate: estimate ?? held.value.estimate, readShared: false },
    filedAtMs: nowMs - held.ageMs,
  };
}
