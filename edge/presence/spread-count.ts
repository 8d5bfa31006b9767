import type { Shard } from "../env";

/**
 * The live count of a stage spread over several databases: the count the heartbeat's own
 * database just answered, plus those this isolate last read from the others (each refreshed by
 * the heartbeats it sends there, so no request of its own). A part this isolate has no count of
 * yet is estimated as the mean of the others, and the answer says it is an estimate.
 */
export function spreadCount(
  shards: Shard[],
  stageId: string,
  nowMs: number,
  /** The count this heartbeat's own database answered (whether or not it was cached). */
  own: { shard: Shard; live: number },
): { viewers: number; estimated: boolean } {
  const known = shards
    .map((part) =>
      part.database === own.shard.database
        ? own.live
        : part.isolate.counts.live.get(stageId, nowMs)?.live,
    )
    .filter((live) => live !== undefined);
  const sum = known.reduce((total, live) => total + live, 0);
  if (known.length === shards.length) return { viewers: sum, estimated: false };
  return {
    viewers: Math.round((sum / Math.max(1, known.length)) * shards.length),
    estimated: true,
  };
}
