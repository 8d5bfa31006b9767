import {
  acceptedViewerKinds,
  type HeartbeatAcceptance,
  heartbeatAcceptance,
} from "@viewer-presence/shared/heartbeat-acceptance";
import type { Services } from "../env";
import { currentCadence } from "./current-cadence";
import { fnv1a, type SocketAdmission, shardCount, shardName } from "./socket-shards";
import type { SocketState } from "./socket-viewers";

/** A presence socket's upgrade as the transport hands it over, its viewer verified. */
export interface SocketRequest {
  stageId: string;
  /** The verified viewer; absent for a socket that only watches the count. */
  viewer?: { viewerId: string; anonymous: boolean; expiresAtMs: number };
  state: SocketState;
  /** The caller's address (handlers/client-address.ts): watching sockets are limited per address. */
  clientAddress: string;
  /** Where and on what the viewer watches (shared/audience.ts `audienceTag`). */
  audienceTag: () => string;
}

export type AdmitOutcome =
  | { kind: "admitted"; shardName: string; admission: SocketAdmission }
  | { kind: "unknown-stage" }
  | { kind: "refused"; reason: HeartbeatAcceptance }
  /** The stage keeps an audit trail (an event per heartbeat): heartbeats only. */
  | { kind: "audit-trail" }
  | { kind: "rate-limited"; retryAfterSec: number };

/**
 * Watching upgrades one client address may open on one stage per heartbeat interval (per
 * isolate, as every limit here). A watcher needs no token, so the address is all there is to
 * key on; and one address may be many people (an office, a carrier's NAT) each holding a page
 * that reopens its socket after a close with jittered backoff, so the limit is well above one
 * page's needs (the viewer limit's 6), while a loop gone wild, or a script opening sockets to
 * make the shards work, is held to 20 an interval (two every 3 s at the default 30 s).
 */
export const WATCH_UPGRADES_PER_INTERVAL = 20;

/**
 * Whether a presence socket may open, and which shard takes it: decided in the worker, from the
 * isolate's registry and the one acceptance rule (shared/heartbeat-acceptance.ts), before any
 * Durable Object is touched, so a refused upgrade costs no object request. A viewer goes to the
 * shard of its stage's part in its database (a spread stage's viewer, as its heartbeats would)
 * picked by a hash of its id, so its tabs meet there; a watcher to a random shard of the home.
 */
export async function admitSocket(
  services: Services,
  request: SocketRequest,
): Promise<AdmitOutcome> {
  const { config, nowMs } = services;
  const { stageId, viewer } = request;
  const home = services.shard(stageId);
  // The heartbeat limiter, under keys of their own: a reconnect loop gone wild stops here,
  // before the registry or any object is asked.
  const intervalMs = currentCadence(config, home.isolate, nowMs).intervalSec * 1000;
  const key =
    viewer === undefined
      ? `watch|${stageId}|${request.clientAddress}`
      : `socket|${stageId}|${viewer.viewerId}`;
  const limit = viewer === undefined ? WATCH_UPGRADES_PER_INTERVAL : undefined;
  const retryAfterSec = home.isolate.heartbeatLimiter.hit(key, nowMs, intervalMs, limit);
  if (retryAfterSec > 0) return { kind: "rate-limited", retryAfterSec };
  const stage = await home.registry.lookup(stageId);
  if (stage === undefined) return { kind: "unknown-stage" };
  const acceptance = heartbeatAcceptance(stage, viewer?.anonymous ?? false);
  if (acceptance !== "accepted") return { kind: "refused", reason: acceptance };
  if (viewer !== undefined && stage.auditTrail) return { kind: "audit-trail" };
  const parts = services.stageShards(stage).length;
  const database =
    viewer === undefined ? home.database : services.viewerShard(stage, viewer.viewerId).database;
  const shards = shardCount(Math.ceil(stageAudience(services, stageId) / parts));
  const k =
    (viewer === undefined ? Math.floor(Math.random() * 2 ** 32) : fnv1a(viewer.viewerId)) % shards;
  const admission: SocketAdmission = {
    stageId,
    database,
    accepts: acceptedViewerKinds(stage),
    state: request.state,
    ...(viewer === undefined
      ? {}
      : {
          viewer: {
            viewerId: viewer.viewerId,
            anonymous: viewer.anonymous,
            audienceTag: request.audienceTag(),
            tokenExpiresAtMs: viewer.expiresAtMs,
          },
        }),
  };
  return { kind: "admitted", shardName: shardName(stageId, database, k), admission };
}

/** The stage's audience as this isolate last heard it: heartbeats, count reads, shards. */
function stageAudience(services: Services, stageId: string): number {
  const { counts } = services.shard(stageId).isolate;
  const { nowMs } = services;
  return Math.max(
    counts.live.get(stageId, nowMs)?.live ?? 0,
    counts.reads.get(stageId, nowMs)?.viewers ?? 0,
    counts.sockets.get(stageId, nowMs) ?? 0,
  );
}

/** Remembers the count a shard answered at an upgrade (for the next upgrades' shard count). */
export function rememberShardCount(services: Services, stageId: string, viewers: number): void {
  services.shard(stageId).isolate.counts.sockets.set(stageId, viewers, services.nowMs);
}
