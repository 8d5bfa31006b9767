import { countedWidthsSec } from "@viewer-presence/shared/heartbeat-cadence";
import type { PipelineStep } from "@viewer-presence/shared/pipeline-scripts";
import { presenceSlots } from "@viewer-presence/shared/slot-bitmaps";
import type { Stage } from "@viewer-presence/shared/stage";
import type { Services } from "../env";
import { pipelineCall } from "../redis-client";
import { currentCadence } from "./current-cadence";
import { decodeLeaveReply, LEAVE_SCRIPT } from "./heartbeat-script";

/**
 * A viewer leaves `stage`: its present bits within the presence TTL are cleared (LEAVE_SCRIPT) in
 * the database its heartbeats went to, and the count this isolate answers drops by one at once
 * when it was counted (Redis' own is read again within COUNT_CACHE_MS).
 */
export async function leaveStage(services: Services, stage: Stage, viewerId: string) {
  const { config, nowMs, keys } = services;
  const stageId = stage.id;
  const { redis, isolate } = services.viewerShard(stage, viewerId);
  const cadence = currentCadence(config, isolate, nowMs);
  const groups = presenceSlots(nowMs, cadence.presenceTtlSec, countedWidthsSec(config, cadence));
  const leave = {
    script: LEAVE_SCRIPT,
    keys: groups.flatMap((group) => [
      keys.viewerIndex(stageId, group.epoch),
      ...group.slots.map(({ window, slot }) => keys.slotBitmap(stageId, window, slot)),
    ]),
    args: [viewerId, ...groups.map((group) => String(group.slots.length))],
    // EVALSHA + an HGET a group + a BITFIELD a slot of a group where the viewer has an index.
    commands: 1 + groups.reduce((sum, group) => sum + 1 + group.slots.length, 0),
  };
  const steps: PipelineStep[] = [leave];
  const [counted] = await pipelineCall({ redis, isolate }, steps);
  const cached = isolate.counts.live.getWithAge(stageId, nowMs);
  if (decodeLeaveReply(counted) && cached !== undefined) {
    const live = Math.max(0, cached.value.live - 1);
    isolate.counts.live.set(stageId, { ...cached.value, live }, nowMs - cached.ageMs);
  }
}
