import { decodeSharedCount, decodeSharedCountReply } from "@viewer-presence/shared/live-count";
import type { RestoreEstimate } from "@viewer-presence/shared/snapshot-estimate";
import { COUNT_CACHE_MS, type CountMemory, type LiveCount } from "../isolate/count-memory";

/**
 * A stage's count made once for all the isolates that serve it (issue 22, "Counts cost per
 * isolate"). Counting is COUNT_SCRIPT's five commands; on Cloudflare a stage's heartbeats are
 * spread over many isolates, so a count made by each isolate every COUNT_CACHE_MS grew with the
 * isolates rather than the audience.
 *
 * Now one isolate counts a stage and the others take its count. A heartbeat finds its stage's
 * count due ({@link countDue}) when the isolate counted it COUNT_CACHE_MS ago, or took it from
 * another isolate TAKEN_COUNT_MAX_AGE_MS ago (by when the counting isolate should have counted
 * again), and sends SHARED_COUNT_SCRIPT: it takes a count another isolate made in the last
 * COUNT_CACHE_MS (EVALSHA + GET), else counts and leaves its count in `c:<stage>` (COUNT_SCRIPT +
 * GET + SET). Who counts settles by itself: the isolate whose due heartbeat comes first after a
 * count is COUNT_CACHE_MS old, and an isolate that took a count waits longer. A heartbeat answers
 * a count at most TAKEN_COUNT_MAX_AGE_MS old, its time in `asOf`.
 *
 * Knowing of the other isolates' counts costs no command of its own: the registry check (the
 * MGET an isolate sends every REGISTRY_CHECK_MS, and with each count it makes) also reads
 * `c:<stage>` of every stage whose count the isolate took ({@link stagesTaken},
 * {@link applySharedCounts}).
 *
 * Before, the count was shared through the registry check's MGET alone: a reader's count came due
 * 10 s after its read and its next heartbeat sent an MGET for it (a command per heartbeat at 10
 * viewers a stage over 4 isolates), and on a small stage, whose heartbeats reach the counting
 * isolate more than 10 s apart, readers found no count under 10 s old and counted too
 * (BENCHMARKS.md, "The count per isolate").
 */

/**
 * How old a count taken from another isolate may be before the isolate asks again: two of the
 * counting isolate's periods, since it counts at its first heartbeat of the stage after one.
 */
export const TAKEN_COUNT_MAX_AGE_MS = 2 * COUNT_CACHE_MS;

/** Whether a heartbeat refreshes its stage's count: none held, or the one held is due. */
export function countDue(held: LiveCount | undefined, nowMs: number): boolean {
  if (held === undefined) return true;
  const maxAgeMs = held.countedHere === false ? TAKEN_COUNT_MAX_AGE_MS : COUNT_CACHE_MS;
  return nowMs - held.asOfMs >= maxAgeMs;
}

/** The count SHARED_COUNT_SCRIPT answered, with the estimate read beside it. */
export function sharedCountAnswer(
  reply: unknown,
  estimate: RestoreEstimate | undefined,
  nowMs: number,
): LiveCount {
  const shared = decodeSharedCountReply(reply) ?? { live: 0, asOfMs: nowMs, counted: true };
  return { live: shared.live, estimate, asOfMs: shared.asOfMs, countedHere: shared.counted };
}

/**
 * How many other stages' shared counts one registry check reads at most: an MGET is one command
 * whatever its keys, and 100 counts are about 3 KB of reply. Stages beyond it learn of other
 * isolates' counts when they come due, as a count of their own would.
 */
export const SHARED_READS_PER_CHECK = 100;

/**
 * The stages (but `except`) whose count this isolate took from another isolate, oldest filed
 * first, at most SHARED_READS_PER_CHECK: whose `c:<stage>` a registry check reads beside its own
 * four keys. A stage it counts itself needs none (its script looks when due), so an isolate that
 * counts all its stages, as a lone one does, sends no more bytes than before. (After Redis lost
 * its data the isolate holds none: each stage's first count reads its restore estimate.)
 */
export function stagesTaken(
  { live, taken }: Pick<CountMemory, "live" | "taken">,
  except: string | undefined,
  nowMs: number,
): string[] {
  const stages: string[] = [];
  for (const stageId of taken) {
    if (stages.length === SHARED_READS_PER_CHECK) break;
    // Gone from `live` (expired, or forgotten after a data loss), or counted here since.
    if (live.get(stageId, nowMs)?.countedHere !== false) taken.delete(stageId);
    else if (stageId !== except) stages.push(stageId);
  }
  return stages;
}

/** Files a stage's count in the isolate, and whether it was taken from another isolate. */
export function fileCount(
  { live, taken }: Pick<CountMemory, "live" | "taken">,
  stageId: string,
  count: LiveCount,
  nowMs: number,
): void {
  live.set(stageId, count, nowMs);
  if (count.countedHere === false) taken.add(stageId);
  else taken.delete(stageId);
}

/** Files the shared counts a registry check read of {@link stagesTaken}: each one newer than held. */
export function applySharedCounts(
  counts: Pick<CountMemory, "live" | "taken">,
  stages: readonly string[],
  values: readonly unknown[],
  nowMs: number,
): void {
  stages.forEach((stageId, at) => {
    const held = counts.live.get(stageId, nowMs);
    const shared = decodeSharedCount(values[at]);
    if (held === undefined || shared === undefined || shared.asOfMs <= held.asOfMs) return;
    const taken = { ...held, live: shared.live, asOfMs: shared.asOfMs, countedHere: false };
    fileCount(counts, stageId, taken, nowMs);
  });
}
