import type { Shard } from "../env";
import type { LiveCount } from "../isolate/count-memory";

/**
 * The live count of a stage spread over several databases: the count the heartbeat's own
 * database just answered, plus those this isolate last read from the others (each refreshed by
 * the heartbeats it sends there, so no request of its own). A part this isolate has no count of
 * yet is estimated as the mean of the others, and the answer says it is an estimate. `asOfMs`
 * is the oldest part's.
 */
export function spreadCount(
  shards: Shard[],
  stageId: string,
  nowMs: number,
  /** The count this heartbeat's own database answered (whether or not it was cached). */
  own: { shard: Shard; count: LiveCount },
): { viewers: number; estimated: boolean; asOfMs: number } {
  const known = shards
    .map((part) =>
      part.database === own.shard.database
        ? own.count
        : part.isolate.counts.live.get(stageId, nowMs),
    )
    .filter((count) => count !== undefined);
  const sum = known.reduce((total, count) => total + count.live, 0);
  const asOfMs = Math.min(...known.map((count) => count.asOfMs));
  if (known.length === shards.length) return { viewers: sum, estimated: false, asOfMs };
  return {
    viewers: Math.round((sum / Math.max(1, known.length)) * shards.length),
    estimated: true,
    asOfMs,
  };
}
