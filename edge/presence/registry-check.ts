import type { RedisKeys } from "@viewer-presence/shared/redis-keys";
import { parseEstimate, type RestoreEstimate } from "@viewer-presence/shared/snapshot-estimate";

/**
 * The registry check: one `MGET m v rs g` (marker, version, restored-at, generation) riding on a
 * request the isolate sends anyway, optionally with a stage's restore estimate `e:<stage>` after
 * them. Its reply is decoded here, once, into named fields; no caller reads it by position.
 */
export interface RegistryCheck {
  /** Whether the marker `m` is there: gone means Redis lost its data. */
  markerPresent: boolean;
  /** The registry version `v` (null when no stage was changed since the data was restored). */
  version: string | null;
  /** Epoch ms of the last restore after a data loss, while `rs` exists. */
  restoredAtMs: number | undefined;
  /** The data generation `g` ("0" while none was set). */
  generation: string;
}

/** The MGET's keys: the check's four, then the stage's estimate when `estimateOf` is given. */
export function registryCheckKeys(keys: RedisKeys, estimateOf?: string): string[] {
  const check = [keys.marker(), keys.registryVersion(), keys.restoredAt(), keys.generation()];
  return estimateOf === undefined ? check : [...check, keys.estimate(estimateOf)];
}

/**
 * KEYS[1..9] of the scripts that check a stage and hand out its viewers' indexes for an epoch
 * (HEARTBEAT_SCRIPT for one viewer, FLUSH_SCRIPT for a shard's): the stage's copy, the registry
 * check with its restore estimate, then the epoch's index hash, index list and the set of indexed
 * epochs. One order for both, read by name in each script.
 */
export function stageAndIndexKeys(keys: RedisKeys, stageId: string, epoch: number): string[] {
  return [
    keys.stage(stageId),
    keys.marker(),
    keys.registryVersion(),
    keys.restoredAt(),
    keys.estimate(stageId),
    keys.generation(),
    keys.viewerIndex(stageId, epoch),
    keys.viewerList(stageId, epoch),
    keys.indexedEpochs(),
  ];
}

/** The registry check as read from its four values, whichever reply they came in. */
export function registryCheckOf(values: {
  marker: unknown;
  version: unknown;
  restoredAt: unknown;
  generation: unknown;
}): RegistryCheck {
  return {
    markerPresent: !isNil(values.marker),
    version: isNil(values.version) ? null : String(values.version),
    restoredAtMs: isNil(values.restoredAt) ? undefined : Number(values.restoredAt),
    generation: isNil(values.generation) ? "0" : String(values.generation),
  };
}

/** Decodes the reply of an MGET of {@link registryCheckKeys}. */
export function decodeRegistryCheck(reply: unknown): {
  check: RegistryCheck;
  /** The stage's restore estimate, when it was read and is there. */
  estimate: RestoreEstimate | undefined;
} {
  const [marker, version, restoredAt, generation, estimate] = (reply as unknown[] | null) ?? [];
  return {
    check: registryCheckOf({ marker, version, restoredAt, generation }),
    estimate: parseEstimate(isNil(estimate) ? undefined : String(estimate)),
  };
}

/** Upstash answers a missing key (and a Lua `false`) as `null`; a short array leaves `undefined`. */
export function isNil(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}
