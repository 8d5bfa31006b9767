import { decodeLiveCount, liveCountCall } from "@viewer-presence/shared/live-count";
import type { PipelineStep } from "@viewer-presence/shared/pipeline-scripts";
import type { RedisKeys } from "@viewer-presence/shared/redis-keys";
import type { LiveCount } from "../isolate/count-memory";
import { applyRegistryCheck, type IsolateState } from "../isolate/isolate-state";
import { type EdgeRedis, pipelineCall } from "../redis-client";
import { decodeRegistryCheck, registryCheckKeys } from "./registry-check";

type Deps = { redis: EdgeRedis; keys: RedisKeys; isolate: IsolateState };

/**
 * The count a heartbeat that does not refresh it answers: the one this isolate holds. With none
 * held, and another heartbeat refreshing it: wait for that one on this request's own timers and
 * answer what it left. When it left nothing (it failed, or found Redis had lost its data), or
 * the wait ran out: a count of its own.
 */
export async function heldCount(
  deps: Deps,
  input: {
    stageId: string;
    nowMs: number;
    presenceTtlSec: number;
    countWidthsSec: readonly number[];
  },
  held: LiveCount | undefined,
): Promise<{ count: LiveCount; registryLost: boolean }> {
  const { stageId, nowMs } = input;
  if (held !== undefined) return { count: held, registryLost: false };
  await deps.isolate.counts.refreshes.waitFor(stageId, nowMs);
  const refreshed = deps.isolate.counts.live.get(stageId, nowMs);
  if (refreshed !== undefined) return { count: refreshed, registryLost: false };
  return readLiveCount(deps, stageId, nowMs, input.presenceTtlSec, input.countWidthsSec);
}

/**
 * A stage's live count in a request of its own (COUNT_SCRIPT), with the registry check, so that
 * a count read after Redis lost its data says so (`registryLost`).
 */
async function readLiveCount(
  { redis, keys, isolate }: Deps,
  stageId: string,
  nowMs: number,
  presenceTtlSec: number,
  widthsSec: readonly number[],
): Promise<{ count: LiveCount; registryLost: boolean }> {
  const steps: PipelineStep[] = [
    (pipeline) => pipeline.mget(...registryCheckKeys(keys)),
    liveCountCall(keys, stageId, nowMs, presenceTtlSec, widthsSec),
  ];
  const [check, live] = await pipelineCall({ redis, isolate }, steps);
  return {
    count: { live: decodeLiveCount(live), estimate: undefined, asOfMs: nowMs },
    registryLost: applyRegistryCheck(isolate, decodeRegistryCheck(check).check, nowMs) === "lost",
  };
}
