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

/** One database of a fault stack: its redis-server and the Upstash endpoint over it. */
export interface FaultDatabase {
  redis: RedisServerHandle;
  proxy: UpstashProxyHandle;
}

/** A local stack of one test file's own, whose parts the file may stall, kill and restart. */
export interface FaultStack {
  env: LocalStackEnv;
  /** The first database's redis-server and endpoint. */
  redis: RedisServerHandle;
  proxy: UpstashProxyHandle;
  /** Every database, in the order `env` lists them (one unless asked for more). */
  databases: FaultDatabase[];
  dynamo: DynamoProcessHandle;
  stop(): Promise<void>;
}

/**
 * redis-server and the Upstash REST proxy over it (`databases` of them, default 1), and dynalite
 * in a process of its own (so it can be stalled and killed; see test/stack/dynamo-process.ts).
 * Never the shared stack of `inject("stackEnv")`: other test files use that one while a fault
 * test stops its parts.
 */
export async function startFaultStack(options: { databases?: number } = {}): Promise<FaultStack> {
  const databases: FaultDatabase[] = [];
  const stopDatabases = async () => {
    // Whatever a failed test left stalled must still stop.
    for (const { redis } of databases) redis.resume();
    await Promise.allSettled(databases.map(({ proxy }) => proxy.stop()));
    await Promise.allSettled(databases.map(({ redis }) => redis.stop()));
  };
  let dynamo: DynamoProcessHandle;
  try {
    for (let i = 0; i < (options.databases ?? 1); i++) {
      const redis = await startRedisServer();
      databases.push({
        redis,
        proxy: await startUpstashProxy({ redisPort: redis.port, token: `local-${randomUUID()}` }),
      });
    }
    dynamo = await startDynamoProcess({ tableName: "viewer-presence-faults" });
  } catch (error) {
    await stopDatabases();
    throw error;
  }
  const [first] = databases as [FaultDatabase, ...FaultDatabase[]];
  return {
    env: stackEnv(
      databases.map(({ proxy }) => proxy),
      dynamo,
    ),
    redis: first.redis,
    proxy: first.proxy,
    databases,
    dynamo,
    async stop() {
      dynamo.resume();
      await Promise.allSettled([dynamo.stop(), stopDatabases()]);
    },
  };
}
