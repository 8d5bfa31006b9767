import { decodeSharedCount } from "@viewer-presence/shared/live-count";
import type { RestoreEstimate } from "@viewer-presence/shared/snapshot-estimate";
import type { TtlCache } from "@viewer-presence/shared/ttl-cache";
import { COUNT_CACHE_MS, type LiveCount, SHARED_COUNT_MAX_AGE_MS } from "../isolate/count-memory";

/**
 * A stage's count shared between the isolates that serve it (issue 22, "Counts cost per
 * isolate"). Counting is COUNT_SCRIPT's five commands; on Cloudflare a stage's heartbeats are
 * spread over many isolates, so a count made by each isolate grows with the isolates rather than
 * the audience. Instead, one isolate counts the stage, at most every COUNT_CACHE_MS, and leaves
 * the count in `c:<stage>` (SHARED_COUNT_SCRIPT, one SET more); the others read it.
 *
 * Who counts settles by itself. An isolate counts when it has no count yet, when it counted last
 * time, on a page's first heartbeat (whose answer must include the viewer) and when it checks
 * the stage; it then also reads `c:<stage>` (before its own count, in the same request), and
 * when another isolate counted since its last count, it only reads from then on. A reader that
 * finds the key gone or older than SHARED_COUNT_MAX_AGE_MS (the counter stopped serving the
 * stage) answers what it holds, its age in `asOf`, and counts at its next heartbeat.
 *
 * Reading costs no command of its own: every registry check (the MGET an isolate sends every
 * REGISTRY_CHECK_MS, whichever stage's heartbeat carries it) also reads `c:<stage>` of every
 * stage the isolate reads shared ({@link stagesReadShared}, {@link applySharedReads}). A reader
 * answers a shared count until it is SHARED_COUNT_MAX_AGE_MS old, by when the next check has read
 * the newer one. Before, each reader stage came due on its own, 10 s after its read, and its next
 * heartbeat sent an MGET for it (a command per heartbeat at 10 viewers a stage over 4 isolates),
 * and a reader that wanted a count under 10 s old found none whenever the counter's heartbeats
 * of the stage came more than 10 s apart, and counted too (BENCHMARKS.md, "The count per isolate").
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
  const fresh =
    shared !== undefined && nowMs - shared.asOfMs < SHARED_COUNT_MAX_AGE_MS ? shared : undefined;
  if (refresh === "count") {
    // Another isolate counted since this one last did: from now on, read what it leaves.
    const other = fresh !== undefined && fresh.asOfMs !== held?.value.asOfMs;
    return {
      count: { live: counted!, estimate, asOfMs: nowMs, readShared: other },
      filedAtMs: nowMs,
    };
  }
  if (fresh !== undefined) {
    // Due again when it is SHARED_COUNT_MAX_AGE_MS old: by then the next registry check has
    // read the count the counting isolate made since.
    const filedAtMs = Math.min(nowMs, fresh.asOfMs + SHARED_COUNT_MAX_AGE_MS - COUNT_CACHE_MS);
    return {
      count: { live: fresh.live, estimate, asOfMs: fresh.asOfMs, readShared: true },
      filedAtMs,
    };
  }
  if (held === undefined) return undefined;
  return {
    count: { ...held.value, estimate: estimate ?? held.value.estimate, readShared: false },
    filedAtMs: nowMs - held.ageMs,
  };
}

/**
 * How many other stages' shared counts one registry check reads at most: an MGET is one command
 * whatever its keys, and 100 counts are about 3 KB of reply. Stages beyond it refresh on their
 * own heartbeats, as before.
 */
export const SHARED_READS_PER_CHECK = 100;

/**
 * The stages besides `except` whose counts this isolate reads from `c:<stage>` rather than
 * counting (`readShared`), oldest filed first, at most SHARED_READS_PER_CHECK: what a registry
 * check reads beside its own four keys. None for one presence TTL after a restore, while counts
 * carry restore estimates that each stage's own refresh reads.
 */
export function stagesReadShared(
  live: TtlCache<LiveCount>,
  except: string,
  { nowMs, restoring }: { nowMs: number; restoring: boolean },
): string[] {
  if (restoring) return [];
  const stages: string[] = [];
  for (const { key, value } of live.entries(nowMs)) {
    if (stages.length === SHARED_READS_PER_CHECK) break;
    if (key !== except && value.readShared === true) stages.push(key);
  }
  return stages;
}

/**
 * Files what a registry check read of {@link stagesReadShared}'s stages: a fresh shared count
 * filed now; a stale or missing one leaves the stage's count as it was, no longer read shared,
 * so its next due heartbeat counts (refreshedCount). Never over a newer count.
 */
export function applySharedReads(
  live: TtlCache<LiveCount>,
  stages: readonly string[],
  values: readonly unknown[],
  nowMs: number,
): void {
  stages.forEach((stageId, at) => {
    const held = live.getWithAge(stageId, nowMs);
    if (held === undefined) return;
    const refreshed = refreshedCount("read", {
      counted: undefined,
      sharedValue: values[at] ?? null,
      held,
      estimate: held.value.estimate,
      nowMs,
    });
    if (refreshed !== undefined && refreshed.count.asOfMs >= held.value.asOfMs) {
      live.set(stageId, refreshed.count, refreshed.filedAtMs);
    }
  });
}
