/**
 * Which Durable Object holds a presence socket, and what the worker tells it. A stage's sockets
 * are spread over N shards, `<stageId>/<database>/<k>` with k = hash(viewer id) mod N, so one
 * viewer's tabs meet in one shard (counted once there, and a leave in one tab does not clear a
 * viewer another tab still holds). N is a power of two that grows with the stage's audience, as
 * the isolate last heard it, so no shard holds much more than {@link SOCKETS_PER_SHARD}; a viewer
 * whose shard changes when N grows is still counted once, because indexes live in the stage's
 * index hash in Redis, not in the shard.
 */
import type { SocketState } from "./socket-viewers";

/**
 * Sockets a shard is meant to hold: N doubles past this many viewers a shard, so a shard holds
 * 2,500 to 5,000 in the steady state and stays under 10,000 while a fast-growing audience waits
 * for the next count (a Durable Object takes 32,768 sockets and about 1,000 messages/s).
 */
export const SOCKETS_PER_SHARD = 5_000;
/** Most shards of one (stage, database): 64 × 5,000 = 320,000 sockets. */
export const MAX_SHARDS = 64;

/** The number of shards for a stage with `viewers` viewers: 1, 2, 4, … up to {@link MAX_SHARDS}. */
export function shardCount(viewers: number): number {
  let shards = 1;
  while (shards < MAX_SHARDS && viewers > shards * SOCKETS_PER_SHARD) shards *= 2;
  return shards;
}

/** FNV-1a, 32 bits: a stable, cheap hash of a viewer id (not a secret: anyone may pick a shard). */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The Durable Object name of shard `k` of a stage's part in `database`. */
export function shardName(stageId: string, database: number, k: number): string {
  return `${stageId}/${database}/${k}`;
}

/**
 * What the worker tells the shard about a socket it admitted, in the one header the shard
 * trusts ({@link ADMISSION_HEADER}; the worker drops any such header a client sent). The worker
 * verified the token and applied the stage's acceptance rule before the shard was touched.
 */
export interface SocketAdmission {
  stageId: string;
  /** The Redis database the shard writes to (the viewer's part of a spread stage). */
  database: number;
  /** The stage's copy's `accepts` (shared/heartbeat-acceptance.ts) when it was admitted. */
  accepts: string;
  /** What the player does when the socket opens. */
  state: SocketState;
  /** The viewer; absent for a socket that only watches the count (`watch=true`). */
  viewer?: {
    viewerId: string;
    anonymous: boolean;
    /** `<country>|<device>` (shared/audience.ts), kept with the viewer's index entry. */
    audienceTag: string;
    /** When the token expires (epoch ms): the socket is closed 4401 past it unless renewed. */
    tokenExpiresAtMs: number;
  };
}

/** The header carrying the {@link SocketAdmission} from the worker to the shard. */
export const ADMISSION_HEADER = "x-presence-admission";
/** The header the shard answers its count in, so the worker's isolate learns the audience. */
export const SHARD_COUNT_HEADER = "x-presence-viewers";

/** The admission as the header's value. */
export function admissionHeader(admission: SocketAdmission): string {
  return JSON.stringify(admission);
}

/** The admission the worker attached, or `undefined` when the request carries none readable. */
export function readAdmission(request: Request): SocketAdmission | undefined {
  const text = request.headers.get(ADMISSION_HEADER);
  if (text === null) return undefined;
  try {
    const parsed = JSON.parse(text) as SocketAdmission;
    return typeof parsed.stageId === "string" && Number.isInteger(parsed.database)
      ? parsed
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The request the shard receives: the client's upgrade, with the admission, and without any
 * admission header the client sent itself (the shard trusts only the worker's).
 */
export function shardRequest(request: Request, admission: SocketAdmission): Request {
  const headers = new Headers(request.headers);
  headers.delete(ADMISSION_HEADER);
  headers.set(ADMISSION_HEADER, admissionHeader(admission));
  return new Request(request.url, { method: "GET", headers });
}
