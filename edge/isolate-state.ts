import { TtlCache } from "../shared/ttl-cache";
import { createViewerTokenVerifier } from "../shared/viewer-token";
import { RateLimiter } from "./presence/rate-limiter";
import type { StageViewers } from "./presence/stage-viewers";
import type { Stage } from "./stages/stage";

/** How long an isolate trusts what it read of a stage's configuration (also a negative answer). */
export const STAGE_CACHE_MS = 10_000;
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
    stages: new TtlCache<Stage | null>(STAGE_CACHE_MS),
    /** Live count by stage id, as returned with heartbeats. */
    counts: new TtlCache<number>(COUNT_CACHE_MS),
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
