import { TtlCache } from "../shared/ttl-cache";
import { createViewerTokenVerifier } from "../shared/viewer-token";
import { RateLimiter } from "./presence/rate-limiter";
import type { StageViewers } from "./presence/stage-viewers";
import type { Stage } from "./stages/stage";

/**
 * How long an isolate trusts what it read of a stage's configuration (also a negative answer)
 * before checking again: a stage ended elsewhere is refused here within this time.
 */
export const STAGE_CACHE_MS = 10_000;
/**
 * How long a known stage's configuration stays usable while it is re-read in the background of
 * heartbeats (one GET in their pipeline) instead of by the heavier checking script.
 */
export const STAGE_KEEP_MS = 120_000;
/** How long an isolate reuses a live count in heartbeat responses instead of asking Redis. */
export const COUNT_CACHE_MS = 5_000;
/** How long an isolate reuses what it answered to a count read (`getStageViewers`, totals). */
export const COUNT_READ_CACHE_MS = 2_000;

/**
 * What one Worker isolate remembers between requests. Created by `createApp`, never at import,
 * so every test and every app instance starts empty.
 */
export function createIsolateState() {
  const verifiers = new Map<string, ReturnType<typeof createViewerTokenVerifier>>();
  return {
    /** Stage configuration by id; `null` records that the stage does not exist. */
    stages: new TtlCache<Stage | null>(STAGE_KEEP_MS),
    /** Live count by stage id, as returned with heartbeats; fresh for COUNT_CACHE_MS, kept longer
     *  so concurrent heartbeats can answer it while one of them refreshes it. */
    counts: new TtlCache<number>(60_000),
    /** Live count by stage id, as returned to count reads. */
    countReads: new TtlCache<StageViewers>(COUNT_READ_CACHE_MS),
    /** Totals over all stages. */
    totals: new TtlCache<{ viewers: number; activeStages: number }>(COUNT_READ_CACHE_MS, 1),
    /** The heartbeat interval the budget imposes (s), re-read every 30 s. */
    interval: new TtlCache<number>(30_000, 1),
    /** Keys this isolate has already given an expiry in their current window. */
    expirySet: new TtlCache<true>(300_000, 50_000),
    heartbeatLimiter: new RateLimiter(),
    /** One verifier (holding the imported key) per secret. */
    verifierFor(secret: string) {
      let verify = verifiers.get(secret);
      if (verify === undefined) {
        verify = createViewerTokenVerifier(secret);
        verifiers.set(secret, verify);
      }
      return verify;
    },
  };
}

export type IsolateState = ReturnType<typeof createIsolateState>;

/** What the isolate knows of a stage: `fresh` when read within {@link STAGE_CACHE_MS}. */
export function cachedStage(
  isolate: IsolateState,
  stageId: string,
  nowMs: number,
): { stage: Stage | null; fresh: boolean } | undefined {
  const entry = isolate.stages.getWithAge(stageId, nowMs);
  if (entry === undefined) return undefined;
  return { stage: entry.value, fresh: entry.ageMs < STAGE_CACHE_MS };
}

/** Remembers a stage (or that there is none: kept only {@link STAGE_CACHE_MS}). */
export function rememberStage(
  isolate: IsolateState,
  stageId: string,
  stage: Stage | undefined,
  nowMs: number,
): void {
  if (stage === undefined) isolate.stages.set(stageId, null, nowMs, STAGE_CACHE_MS);
  else isolate.stages.set(stageId, stage, nowMs);
}
