import { countedWidthsSec } from "@viewer-presence/shared/heartbeat-cadence";
import { decodeLiveCount, liveCountCall } from "@viewer-presence/shared/live-count";
import type { PipelineStep } from "@viewer-presence/shared/pipeline-scripts";
import type { Stage } from "@viewer-presence/shared/stage";
import type { Services } from "../env";
import type { StageViewers } from "../isolate/count-memory";
import { applyRegistryCheck } from "../isolate/isolate-state";
import { pipelineCall } from "../redis-client";
import type { StageRegistry } from "../stages/stage-registry";
import { currentCadence } from "./current-cadence";
import { decodeRegistryCheck, registryCheckKeys } from "./registry-check";
import { countToAnswer, type EstimateDeps } from "./restore-estimates";

/**
 * The live count of a stage as count reads answer it: a stage spread over several databases has
 * every part's count read at once, and summed.
 */
export async function stageViewers(services: Services, stage: Stage): Promise<StageViewers> {
  const { config, nowMs } = services;
  const cadence = currentCadence(config, services.shard(stage.id).isolate, nowMs);
  const widthsSec = countedWidthsSec(config, cadence);
  const parts = await Promise.all(
    services
      .stageShards(stage)
      .map((part) =>
        readStageViewers(
          { ...services, ...part },
          stage.id,
          nowMs,
          cadence.presenceTtlSec,
          widthsSec,
        ),
      ),
  );
  return {
    viewers: parts.reduce((sum, part) => sum + part.viewers, 0),
    estimated: parts.some((part) => part.estimated),
    asOfMs: Math.min(...parts.map((part) => part.asOfMs)),
  };
}

/**
 * The live count of a stage in one database, in one request (COUNT_SCRIPT, and the registry check with the
 * restore estimate in one MGET) and at most once per isolate per count-read cache period. After
 * Redis lost its data, presence is empty until viewers' next heartbeats; meanwhile the stage's
 * last snapshot count is answered, flagged `estimated`, for as long as it exceeds the live count
 * that is building up again (restore-estimates.ts). The marker read beside the count says
 * whether the data was lost, so the count never answers an emptied Redis as an audience that
 * left: the loss is noticed here, the registry rebuilt (or a 503 while another request of the
 * isolate rebuilds it), and the estimate answered.
 */
async function readStageViewers(
  deps: EstimateDeps & { registry: Pick<StageRegistry, "restore"> },
  stageId: string,
  nowMs: number,
  presenceTtlSec: number,
  widthsSec: readonly number[],
): Promise<StageViewers> {
  const { redis, keys, isolate } = deps;
  const cached = isolate.counts.reads.get(stageId, nowMs);
  if (cached !== undefined) return cached;
  const steps: PipelineStep[] = [
    (pipeline) => pipeline.mget(...registryCheckKeys(keys, stageId)),
    liveCountCall(keys, stageId, nowMs, presenceTtlSec, widthsSec),
  ];
  const [check, live] = await pipelineCall({ redis, isolate }, steps);
  const registry = decodeRegistryCheck(check);
  if (applyRegistryCheck(isolate, registry.check, nowMs) === "lost") await deps.registry.restore();
  const count = { live: decodeLiveCount(live), estimate: registry.estimate, asOfMs: nowMs };
  const answer = await countToAnswer(deps, stageId, count, nowMs, presenceTtlSec);
  isolate.counts.reads.set(stageId, answer, nowMs);
  return answer;
}
