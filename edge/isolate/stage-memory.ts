import type { Stage } from "@viewer-presence/shared/stage";
import { TtlCache } from "@viewer-presence/shared/ttl-cache";
import { storeCallMarks } from "./store-call-marks";

/** How long an isolate keeps a stage it has not used (still subject to the registry check). */
export const STAGE_KEEP_MS = 600_000;

/** A stage as cached, with the registry version it was read under (`null`: no such stage). */
export interface CachedStage {
  stage: Stage | null;
  version: string | null;
}

/** The stages one isolate holds of one database, and the heartbeats checking them. */
export function createStageMemory() {
  return {
    /** Stage configuration by id, with the registry version it was read under. */
    copies: new TtlCache<CachedStage>(STAGE_KEEP_MS),
    /** Heartbeats checking their stage (HEARTBEAT_SCRIPT), by stage id. */
    checks: storeCallMarks(),
  };
}

export type StageMemory = ReturnType<typeof createStageMemory>;
