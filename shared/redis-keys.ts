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
  /** String `m`: present while Redis holds the registry; missing means Redis lost its data. */
  marker(): string;
}

export function redisKeys(prefix: string): RedisKeys {
  return {
    presence: (stageId) => `${prefix}p:${stageId}`,
    watch: (stageId, window) => `${prefix}w:${stageId}:${window}`,
    stage: (stageId) => `${prefix}s:${stageId}`,
    stages: () => `${prefix}stages`,
    marker: () => `${prefix}m`,
  };
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
