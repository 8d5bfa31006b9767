import { randomUUID } from "node:crypto";
import { type DynamoProcessHandle, startDynamoProcess } from "../stack/dynamo-process";
import {
  type LocalStackEnv,
  type RedisServerHandle,
  stackEnv,
  startRedisServer,
  startUpstashProxy,
  type UpstashProxyHandle,
} from "../stack/index";

/** A local stack of one test file's own, whose parts the file may stall, kill and restart. */
export interface FaultStack {
  env: LocalStackEnv;
  redis: RedisServerHandle;
  proxy: UpstashProxyHandle;
  dynamo: DynamoProcessHandle;
  stop(): Promise<void>;
}

/**
 * redis-server, the Upstash REST proxy over it, and dynalite in a process of its own (so it can
 * be stalled and killed; see test/stack/dynamo-process.ts). Never the shared stack of
 * `inject("stackEnv")`: other test files use that one while a fault test stops its parts.
 */
export async function startFaultStack(): Promise<FaultStack> {
  const redis = await startRedisServer();
  const proxy = await startUpstashProxy({ redisPort: redis.port, token: `local-${randomUUID()}` });
  let dynamo: DynamoProcessHandle;
  try {
    dynamo = await startDynamoProcess({ tableName: "viewer-presence-faults" });
  } catch (error) {
    await proxy.stop();
    await redis.stop();
    throw error;
  }
  return {
    env: stackEnv(proxy, dynamo),
    redis,
    proxy,
    dynamo,
    async stop() {
      // Whatever a failed test left stalled must still stop.
      redis.resume();
      dynamo.resume();
      await Promise.allSettled([dynamo.stop(), proxy.stop()]);
      await redis.stop();
    },
  };
}
