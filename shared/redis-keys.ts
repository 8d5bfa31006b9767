/**
 * Every Redis key the system uses, built in one place. Keys are short on purpose: Upstash bills
 * bandwidth, and a heartbeat carries two of them. `prefix` (REDIS_KEY_PREFIX) lets tests and
 * several deployments share one database.
 */
export interface RedisKeys {
  /** Sorted set `p:<stage>`: member viewer id, score last heartbeat (epoch ms). */
  presence(stageId: string): string;
  /** Hash `w:<stage>:<window>`: field `<viewer>|<slot offset s>`, value slot width (s). */
  watch(stageId: string, window: number): string;
  /** String `s:<stage>`: the stage's configuration as JSON (cache of DynamoDB). */
  stage(stageId: string): string;
  /** Set `stages`: ids of every stage known to this deployment (the registry). */
  stages(): string;
  /**
   * String `m`: present while Redis holds the whole stage registry; missing means Redis lost its
   * data (or the deployment is new). Value `registry` when the edge rebuilt only the registry,
   * `full` once the sync job has also restored each stage's last snapshot count.
   */
  marker(): string;
  /**
   * Counter `v`: the registry's version, raised by every stage create and update. An isolate
   * re-reads it (with `m` and `rs`, one MGET) every few seconds instead of re-reading each stage.
   */
  registryVersion(): string;
  /**
   * String `rs`: epoch ms when the registry was last restored after a data loss; it expires one
   * presence TTL later, so while it exists counts may answer a restore estimate.
   */
  restoredAt(): string;
  /** String `e:<stage>`: JSON `{ viewers, asOf }` from the last snapshot, set on restore, expiring after one presence TTL. */
  estimate(stageId: string): string;
  /** Stream `a:<stage>`: audit events (one per accepted heartbeat) on stages with `auditTrail`. */
  audit(stageId: string): string;
  /** String `lock`: held by the sync run in progress (value: its run id). */
  syncLock(): string;
  /**
   * String `iv`: the heartbeat interval (s) the sync job chose for the hot-path budget, JSON
   * `{ intervalSec, viewers, hotPathMonthlyUsd, at }`; absent when no budget is set.
   */
  heartbeatInterval(): string;
}

export function redisKeys(prefix: string): RedisKeys {
  return {
    presence: (stageId) => `${prefix}p:${stageId}`,
    watch: (stageId, window) => `${prefix}w:${stageId}:${window}`,
    stage: (stageId) => `${prefix}s:${stageId}`,
    stages: () => `${prefix}stages`,
    marker: () => `${prefix}m`,
    registryVersion: () => `${prefix}v`,
    restoredAt: () => `${prefix}rs`,
    estimate: (stageId) => `${prefix}e:${stageId}`,
    audit: (stageId) => `${prefix}a:${stageId}`,
    syncLock: () => `${prefix}lock`,
    heartbeatInterval: () => `${prefix}iv`,
  };
}

/** The pattern that finds every watch window of a deployment with SCAN (the sync job's work list). */
export function watchKeyPattern(prefix: string): string {
  return `${prefix}w:*`;
}

/** Reads stage id and window back from a watch key; `undefined` for keys of another shape. */
export function parseWatchKey(
  prefix: string,
  key: string,
): { stageId: string; window: number } | undefined {
  if (!key.startsWith(`${prefix}w:`)) return undefined;
  const rest = key.slice(prefix.length + 2);
  const at = rest.lastIndexOf(":");
  const window = Number(rest.slice(at + 1));
  if (at <= 0 || !Number.isInteger(window)) return undefined;
  return { stageId: rest.slice(0, at), window };
}

/** Separates viewer id and slot offset in a watch-hash field; viewer ids cannot contain it. */
export const WATCH_FIELD_SEPARATOR = "|";

export function watchField(viewerId: string, offsetSec: number): string {
  return `${viewerId}${WATCH_FIELD_SEPARATOR}${offsetSec}`;
}

export function parseWatchField(field: string): { viewerId: string; offsetSec: number } {
  const at = field.lastIndexOf(WATCH_FIELD_SEPARATOR);
  return { viewerId: field.slice(0, at), offsetSec: Number(field.slice(at + 1)) };
}

/** The pattern that finds every audit stream of a deployment with SCAN (the sync job drains them). */
export function auditKeyPattern(prefix: string): string {
  return `${prefix}a:*`;
}

/** Reads the stage id back from an audit stream key; `undefined` for keys of another shape. */
export function parseAuditKey(prefix: string, key: string): { stageId: string } | undefined {
  if (!key.startsWith(`${prefix}a:`)) return undefined;
  const stageId = key.slice(prefix.length + 2);
  return stageId === "" || stageId.includes(":") ? undefined : { stageId };
}
