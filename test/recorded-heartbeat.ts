import type { Redis } from "@upstash/redis";
import type { RedisKeys } from "@viewer-presence/shared/redis-keys";
import { heartbeatScriptCall } from "../edge/presence/heartbeat-script";

/**
 * A heartbeat as the edge records it, stamped `atMs` (the past, for a window already closed):
 * the edge's own HEARTBEAT_SCRIPT, which finds or hands out the viewer's index and sets their
 * bits in the slot's bitmap. For the tests of the sync job, in Node and in workerd.
 */
export async function recordHeartbeat(
  redis: Pick<Redis, "eval">,
  keys: RedisKeys,
  heartbeat: {
    stageId: string;
    viewerId: string;
    atMs: number;
    /** Default 30. */
    intervalSec?: number;
    /** `<country>|<device>` (default `unknown|o`). */
    audienceTag?: string;
  },
): Promise<void> {
  const call = heartbeatScriptCall(keys, {
    stageId: heartbeat.stageId,
    viewerId: heartbeat.viewerId,
    nowMs: heartbeat.atMs,
    intervalSec: heartbeat.intervalSec ?? 30,
    checkStage: false,
    databases: 1,
    anonymous: false,
    credited: true,
    auditTrail: false,
    setExpiry: true,
    audienceTag: heartbeat.audienceTag ?? "unknown|o",
  });
  await redis.eval(call.script, call.keys, call.args);
}
