import type { Stage } from "@viewer-presence/shared/stage";
import { TtlCache } from "@viewer-presence/shared/ttl-cache";
import { WINDOW_MS } from "@viewer-presence/shared/windows";
import type { RegistryCheck } from "../presence/registry-check";
import type { RedisGuard } from "../redis-guard";
import { createCountMemory } from "./count-memory";
import type { IsolateCommon } from "./isolate-common";
import { createRegistryMemory, REGISTRY_CHECK_MS, registryCheckDue } from "./registry-memory";
import { createStageMemory } from "./stage-memory";
import { createViewerMemory } from "./viewer-memory";

/**
 * What one Worker isolate remembers between requests about ONE Redis database, by concern: its
 * registry view, the stages it holds, the counts it read, the viewers' indexes and tickets, and
 * which keys it gave an expiry; with the isolate-wide parts (`common`) beside. Created by
 * `createApp`, never at import, so every test and every app instance starts empty.
 */
export function createIsolateState(common: IsolateCommon, redisGuard: RedisGuard) {
  return {
    ...common,
    /** Every call to this database goes through it: its breaker and in-flight budget. */
    redisGuard,
    registry: createRegistryMemory(),
    stages: createStageMemory(),
    counts: createCountMemory(),
    viewers: createViewerMemory(),
    /** Keys this isolate has already given an expiry in their current window. */
    expiries: new TtlCache<true>(WINDOW_MS, 50_000),
  };
}

export type IsolateState = ReturnType<typeof createIsolateState>;

/**
 * What the isolate knows of a stage. `current` when it was read under the registry version the
 * isolate last saw (no stage changed since); `checkDue` when that version is itself older than
 * REGISTRY_CHECK_MS. A `null` stage is a known absence.
 */
export function cachedStage(
  isolate: IsolateState,
  stageId: string,
  nowMs: number,
): { stage: Stage | null; current: boolean; checkDue: boolean } | undefined {
  const entry = isolate.stages.copies.get(stageId, nowMs);
  if (entry === undefined) return undefined;
  return {
    stage: entry.stage,
    current: entry.version === isolate.registry.view.version,
    checkDue: registryCheckDue(isolate.registry, nowMs),
  };
}

/** Remembers a stage (or that there is none) under the registry version last seen. */
export function rememberStage(
  isolate: IsolateState,
  stageId: string,
  stage: Stage | undefined,
  nowMs: number,
): void {
  const entry = { stage: stage ?? null, version: isolate.registry.view.version };
  // An absence is trusted for one check period only: a stage created since is found then.
  const ttlMs = stage === undefined ? REGISTRY_CHECK_MS : undefined;
  isolate.stages.copies.set(stageId, entry, nowMs, ttlMs);
}

/**
 * Applies a registry check's reply. A missing marker means Redis lost its data: everything the
 * isolate remembers about what Redis holds (stages, counts, viewers' indexes, which keys have an
 * expiry) is forgotten, so the next heartbeats re-check their stage, look their viewers up and
 * set expiries again. Returns `"lost"` then, so the caller rebuilds the registry.
 *
 * A generation other than the one this isolate last saw means the same loss, noticed and
 * rebuilt by someone else first (a presence shard's flush, another isolate, the sync job): the
 * marker is back, but every index remembered from before names another viewer now, or none.
 * The same is forgotten, and `"regenerated"` returned: nothing is to rebuild, but an index the
 * caller wrote in this request came from before (a heartbeat looks its viewer up again).
 */
export function applyRegistryCheck(
  isolate: IsolateState,
  check: RegistryCheck,
  nowMs: number,
): "ok" | "lost" | "regenerated" {
  const view = isolate.registry.view;
  const regenerated = view.generation !== undefined && view.generation !== check.generation;
  view.checkedAtMs = nowMs;
  view.restoredAtMs = check.restoredAtMs;
  view.generation = check.generation;
  if (!check.markerPresent || regenerated) forgetRedisState(isolate);
  view.version = check.version;
  if (!check.markerPresent) return "lost";
  return regenerated ? "regenerated" : "ok";
}

/** Forgets everything the isolate believed about Redis' contents. */
export function forgetRedisState({ stages, counts, viewers, expiries }: IsolateState): void {
  stages.copies.clear();
  counts.live.clear();
  counts.reads.clear();
  counts.estimates.clear();
  counts.totals.clear();
  viewers.indexes.clear();
  viewers.indexCounts.clear();
  viewers.tickets.clear();
  expiries.clear();
}
