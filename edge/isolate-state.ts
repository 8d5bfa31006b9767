import { createScriptDigests } from "@viewer-presence/shared/pipeline-scripts";
import { createTicketSigner, type PresenceTicket } from "@viewer-presence/shared/presence-ticket";
import type { RestoreEstimate } from "@viewer-presence/shared/snapshot-estimate";
import type { Stage } from "@viewer-presence/shared/stage";
import { TtlCache } from "@viewer-presence/shared/ttl-cache";
import { createViewerTokenVerifier } from "@viewer-presence/shared/viewer-token";
import { WINDOW_MS } from "@viewer-presence/shared/windows";
import { InFlight } from "./in-flight";
import { createFallbackSessionLimiter } from "./presence/anonymous-sessions";
import { RateLimiter } from "./presence/rate-limiter";
import type { RegistryCheck } from "./presence/registry-check";
import type { StageViewers } from "./presence/stage-viewers";
import type { RedisGuard } from "./redis-guard";

/**
 * How often an isolate checks the registry (one `MGET m v rs g` riding on a request it sends
 * anyway): a stage ended or reopened elsewhere is honoured here within this time, and a Redis
 * that lost its data (marker `m` gone) is noticed within it.
 */
export const REGISTRY_CHECK_MS = 10_000;
/** How long an isolate keeps a stage it has not used (still subject to the registry check). */
export const STAGE_KEEP_MS = 600_000;
/**
 * How long an isolate reuses a live count in heartbeat responses instead of asking Redis (a
 * ZCOUNT per stage per isolate this often: 0.03 commands per heartbeat at 100 viewers a stage).
 */
export const COUNT_CACHE_MS = 10_000;
/** How long an isolate reuses what it answered to a count read (`getStageViewers`, totals). */
export const COUNT_READ_CACHE_MS = 2_000;
/**
 * How long a request's mark that it is checking a stage, refreshing a count or checking the
 * registry holds at most (edge/in-flight.ts): the one Redis request that carries it, under its
 * 1 s deadline, plus the re-send of a script Redis lacked, under another.
 */
export const STORE_CALL_LEASE_MS = 2_000;
/**
 * How long a heartbeat waits (on its own timers) for another's stage check or count refresh
 * before doing its own: Upstash answers a Worker in a few ms to tens of ms, so a holder still
 * busy after this is slow or gone (its request cancelled), and two such waits keep a
 * heartbeat's answer within about a second.
 */
export const STORE_CALL_WAIT_MS = 500;
/**
 * How long a request's mark that it is rebuilding the registry holds at most: a page of 100
 * stages costs a DynamoDB Query and a Redis pipeline, each under a 1 s deadline, and takes tens
 * of ms. A rebuild whose request died (cancelled) blocks others no longer than this; one that
 * takes longer gets a second, concurrent one (idempotent), never more than one per lease.
 */
export const RESTORE_LEASE_MS = 10_000;
/**
 * How long a request waits (on its own timers) for the rebuild another request of the isolate
 * runs, before answering 503 with Retry-After: a heartbeat answers within about a second.
 */
export const RESTORE_WAIT_MS = 1_000;

/** A stage as cached, with the registry version it was read under (`null`: no such stage). */
interface CachedStage {
  stage: Stage | null;
  version: string | null;
}

/** What the isolate last learnt from the registry check. */
interface RegistryView {
  /** The value of `v` (null when no stage was ever changed since the data was restored). */
  version: string | null;
  /** When the check ran (epoch ms); 0 before the first. */
  checkedAtMs: number;
  /** Epoch ms of the last restore after a data loss, while `rs` exists. */
  restoredAtMs: number | undefined;
  /** The data generation `g` ("0" while none was set); undefined before the first check. */
  generation: string | undefined;
}

/** A stage's live count as last read, with the restore estimate read beside it, if any. */
export interface LiveCount {
  live: number;
  estimate: RestoreEstimate | undefined;
}

/**
 * What one Worker isolate keeps whatever the database: key material, limiters, script digests.
 * One per app; every database's {@link createIsolateState} shares it.
 */
export function createIsolateCommon() {
  const verifiers = new Map<string, ReturnType<typeof createViewerTokenVerifier>>();
  const signers = new Map<string, ReturnType<typeof createTicketSigner>>();
  return {
    heartbeatLimiter: new RateLimiter(),
    /** Anonymous sessions per client where the Rate Limiting binding is absent (not Workers). */
    sessionLimiter: createFallbackSessionLimiter(),
    /** EVALSHA digests of the scripts this isolate sends, computed once each. */
    scriptSha1: createScriptDigests(),
    /** One ticket signer (holding the imported key) per secret. */
    ticketSignerFor(secret: string) {
      let signer = signers.get(secret);
      if (signer === undefined) {
        signer = createTicketSigner(secret);
        signers.set(secret, signer);
      }
      return signer;
    },
    /** One verifier (holding the imported keys) per set of accepted secrets, current first. */
    verifierFor(secrets: readonly string[]) {
      const id = secrets.join("\n");
      let verify = verifiers.get(id);
      if (verify === undefined) {
        verify = createViewerTokenVerifier(secrets);
        verifiers.set(id, verify);
      }
      return verify;
    },
  };
}

export type IsolateCommon = ReturnType<typeof createIsolateCommon>;

/**
 * What one Worker isolate remembers between requests about ONE Redis database (the stages it
 * holds, their counts, its registry view), with the isolate-wide parts (`common`) beside. Created
 * by `createApp`, never at import, so every test and every app instance starts empty.
 */
export function createIsolateState(common: IsolateCommon, redisGuard: RedisGuard) {
  return {
    ...common,
    /** Every call to this database goes through it: its breaker and in-flight budget. */
    redisGuard,
    /** Stage configuration by id, with the registry version it was read under. */
    stages: new TtlCache<CachedStage>(STAGE_KEEP_MS),
    /** The registry's rebuild from DynamoDB, while a request runs it (key {@link REGISTRY}). */
    restores: new InFlight(RESTORE_LEASE_MS, RESTORE_WAIT_MS),
    /** Heartbeats checking their stage (HEARTBEAT_SCRIPT), by stage id. */
    stageChecks: new InFlight(STORE_CALL_LEASE_MS, STORE_CALL_WAIT_MS),
    /** A request carrying the registry check (key {@link REGISTRY}): others do not repeat it. */
    registryChecks: new InFlight(STORE_CALL_LEASE_MS, STORE_CALL_WAIT_MS),
    registry: {
      version: null,
      checkedAtMs: 0,
      restoredAtMs: undefined,
      generation: undefined,
    } as RegistryView,
    /** Counts by stage id, as returned with heartbeats; fresh for COUNT_CACHE_MS, kept longer
     *  so concurrent heartbeats can answer it while one of them refreshes it. */
    counts: new TtlCache<LiveCount>(STAGE_KEEP_MS),
    /** Heartbeats refreshing their stage's count, by stage id. */
    countRefreshes: new InFlight(STORE_CALL_LEASE_MS, STORE_CALL_WAIT_MS),
    /** Restore estimates fetched from DynamoDB by this isolate (or found missing), by stage. */
    estimates: new TtlCache<RestoreEstimate | null>(120_000),
    /** Live count by stage id, as returned to count reads. */
    countReads: new TtlCache<StageViewers>(COUNT_READ_CACHE_MS),
    /** The heartbeat interval this database's budget run chose (s), re-read every 30 s. */
    interval: new TtlCache<number>(30_000, 1),
    /** Live counts of this database's stages, by stage (for totals). */
    totals: new TtlCache<Map<string, number>>(COUNT_READ_CACHE_MS, 1),
    /** Viewer indexes this isolate handed out or looked up, by `<stage>|<epoch>|<viewer>`. */
    viewerIndexes: new TtlCache<number>(3_600_000, 50_000),
    /** How many indexes each stage has handed out this epoch, at least, by `<stage>|<epoch>`
     *  (presence/ticket-index.ts): tickets naming one below need no check. */
    indexCounts: new TtlCache<number>(3_600_000, 10_000),
    /** Tickets this isolate verified, by `<stage>|<viewer>|<ticket>`. */
    verifiedTickets: new TtlCache<PresenceTicket>(3_600_000, 10_000),
    /** Keys this isolate has already given an expiry in their current window. */
    expirySet: new TtlCache<true>(WINDOW_MS, 50_000),
  };
}

export type IsolateState = ReturnType<typeof createIsolateState>;

/** The key of the isolate's one registry in `restores` and `registryChecks`. */
export const REGISTRY = "registry";

/** The key of `viewerIndexes`: a viewer's index is per stage and per epoch (hour). */
export function viewerIndexKey(stageId: string, epoch: number, viewerId: string): string {
  return `${stageId}|${epoch}|${viewerId}`;
}

/**
 * What the isolate knows of a stage. `current` when it was read under the registry version the
 * isolate last saw (no stage changed since); `checkDue` when that version is itself older than
 * {@link REGISTRY_CHECK_MS}. A `null` stage is a known absence.
 */
export function cachedStage(
  isolate: IsolateState,
  stageId: string,
  nowMs: number,
): { stage: Stage | null; current: boolean; checkDue: boolean } | undefined {
  const entry = isolate.stages.get(stageId, nowMs);
  if (entry === undefined) return undefined;
  return {
    stage: entry.stage,
    current: entry.version === isolate.registry.version,
    checkDue: registryCheckDue(isolate, nowMs),
  };
}

/** Remembers a stage (or that there is none) under the registry version last seen. */
export function rememberStage(
  isolate: IsolateState,
  stageId: string,
  stage: Stage | undefined,
  nowMs: number,
): void {
  const entry = { stage: stage ?? null, version: isolate.registry.version };
  // An absence is trusted for one check period only: a stage created since is found then.
  isolate.stages.set(stageId, entry, nowMs, stage === undefined ? REGISTRY_CHECK_MS : undefined);
}

/** Whether the next request should carry the registry check (`MGET m v rs g`). */
export function registryCheckDue(isolate: IsolateState, nowMs: number): boolean {
  return nowMs - isolate.registry.checkedAtMs >= REGISTRY_CHECK_MS;
}

/**
 * Applies a registry check's reply. A missing marker means Redis lost its data: everything the
 * isolate remembers about what Redis holds (stages, counts, which keys have an expiry) is
 * forgotten, so the next heartbeats re-check their stage and set expiries again. Returns
 * `"lost"` then, so the caller rebuilds the registry.
 */
export function applyRegistryCheck(
  isolate: IsolateState,
  check: RegistryCheck,
  nowMs: number,
): "ok" | "lost" {
  const view = isolate.registry;
  view.checkedAtMs = nowMs;
  view.restoredAtMs = check.restoredAtMs;
  view.generation = check.generation;
  if (!check.markerPresent) forgetRedisState(isolate);
  view.version = check.version;
  return check.markerPresent ? "ok" : "lost";
}

/** Forgets everything the isolate believed about Redis' contents. */
export function forgetRedisState(isolate: IsolateState): void {
  isolate.stages.clear();
  isolate.counts.clear();
  isolate.countReads.clear();
  isolate.expirySet.clear();
  isolate.viewerIndexes.clear();
  isolate.indexCounts.clear();
  isolate.verifiedTickets.clear();
  isolate.estimates.clear();
  isolate.totals.clear();
}
