import type { RedisKeys } from "../../shared/redis-keys";
import type { IsolateState } from "../isolate-state";
import { type EdgeRedis, redisCall } from "../redis-client";

export interface StageViewers {
  viewers: number;
  estimated: boolean;
  /** When the figure was true: now for a live count, the snapshot's time for an estimate. */
  asOfMs: number;
}

/**
 * The live count of a stage, in one request (ZCOUNT and the restore estimate, pipelined) and at
 * most once per isolate per count-read cache period. After Redis lost its data, presence is
 * empty until viewers' next heartbeats; meanwhile the sync job leaves the last snapshot's count
 * in `e:<stage>` for one presence TTL, and that is answered, flagged `estimated`, for as long as
 * it exceeds the live count that is building up again.
 */
export async function readStageViewers(
  deps: { redis: EdgeRedis; keys: RedisKeys; isolate: IsolateState },
  stageId: string,
  nowMs: number,
  presenceTtlSec: number,
): Promise<StageViewers> {
  const { redis, keys, isolate } = deps;
  const cached = isolate.countReads.get(stageId, nowMs);
  if (cached !== undefined) return cached;
  const pipeline = redis
    .pipeline()
    .zcount(keys.presence(stageId), nowMs - presenceTtlSec * 1000, "+inf")
    .get(keys.estimate(stageId));
  const [live, estimateJson] = await redisCall(() => pipeline.exec<[number, string | null]>());
  let answer: StageViewers = { viewers: live, estimated: false, asOfMs: nowMs };
  const estimate = parseEstimate(estimateJson);
  if (estimate !== undefined && estimate.viewers > live) {
    answer = { viewers: estimate.viewers, estimated: true, asOfMs: estimate.asOfMs };
  }
  isolate.countReads.set(stageId, answer, nowMs);
  return answer;
}

function parseEstimate(json: string | null): { viewers: number; asOfMs: number } | undefined {
  if (json === null) return undefined;
  try {
    const value = JSON.parse(json) as { viewers?: unknown; asOf?: unknown };
    const asOfMs = Date.parse(String(value.asOf));
    if (typeof value.viewers !== "number" || Number.isNaN(asOfMs)) return undefined;
    return { viewers: value.viewers, asOfMs };
  } catch {
    return undefined;
  }
}
