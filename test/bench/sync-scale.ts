/**
 * One scale scenario of the sync benchmark: a fresh local stack (out of process), Redis seeded
 * as the edge leaves one closed window, then production sync runs (`syncOnce`, each in a child
 * capped at 128 MB) one after another, as successive cron invocations, until no window is left
 * or a run fails. Then a completeness check by counts: no watch window left in Redis, every
 * viewer's record reported, and DynamoDB holding as many items as the runs reported written.
 */
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient, createRedis } from "../../shared/clients";
import { parseConfig } from "../../shared/config";
import { redisKeys, watchKeyPattern } from "../../shared/redis-keys";
import { windowIndex } from "../../shared/windows";
import { scanKeys } from "../../sync/sync-redis";
import type { UpstashStats } from "../stack/upstash-proxy";
import { startBenchStack } from "./bench-stack";
import { type MeasuredRun, measuredRun } from "./measured-run";
import { redisUsedMemory, seedWindows } from "./seed-windows";

/** A Worker's memory. */
export const HEAP_CAP_MB = 128;
/** Longest one run may take before the benchmark kills it (the run's own deadline is 3 min). */
const RUN_TIMEOUT_MS = 15 * 60_000;
/** Most runs a scenario gets (cron invocations 5 minutes apart). */
const MAX_RUNS = 10;

export interface Scenario {
  label: string;
  stages: number;
  viewersPerStage: number;
}

export interface ScenarioResult {
  scenario: Scenario;
  settings: RunSettings;
  viewers: number;
  seedMs: number;
  /** Redis used_memory after seeding, minus that of the empty server, in bytes. */
  redisBytes: number;
  runs: MeasuredRun[];
  redis: UpstashStats;
  /** Items DynamoDB holds after the runs (a Scan with Select COUNT). */
  tableItems: number;
  /** Watch windows still in Redis after the runs. */
  windowsLeft: number;
  complete: boolean;
}

/** How the runs are made. */
export interface RunSettings {
  /** Their --max-old-space-size, in MB. */
  heapCapMb: number;
  /** Options passed to syncOnce, e.g. `deadlines` (diagnosis). */
  runOptions?: object;
  /** More flags for the runs' node, e.g. `--max-semi-space-size=16` (diagnosis). */
  nodeFlags?: string[];
}

export async function runScenario(
  scenario: Scenario,
  settings: RunSettings = { heapCapMb: HEAP_CAP_MB },
): Promise<ScenarioResult> {
  const { heapCapMb, runOptions, nodeFlags } = settings;
  const stack = await startBenchStack();
  try {
    const env: Record<string, string> = {
      ...stack.env,
      ADMIN_API_KEY: "bench-admin-key-0123456789",
      VIEWER_TOKEN_SECRET: "bench-viewer-token-secret-0123456789abcdef",
      REDIS_KEY_PREFIX: "bench:",
    };
    const config = parseConfig(env);
    // Seeding pipelines are large; its calls get a minute each, not the job's 5 s.
    const redis = createRedis(config, { timeoutMs: 60_000 });
    const keys = redisKeys(config.redisKeyPrefix);
    const memoryBefore = await redisUsedMemory(
      env.UPSTASH_REDIS_REST_URL!,
      config.upstashRedisRestToken,
    );
    const seedStarted = performance.now();
    // Closed a window ago by the real clock: the runs use the real clock.
    const window = windowIndex(Date.now()) - 2;
    await seedWindows(redis, keys, { ...scenario, window }, Date.now);
    const seedMs = Math.round(performance.now() - seedStarted);
    const redisBytes =
      (await redisUsedMemory(config.upstashRedisRestUrl, config.upstashRedisRestToken)) -
      memoryBefore;

    await stack.resetStats();
    const runs: MeasuredRun[] = [];
    let windowsLeft = scenario.stages;
    // Runs as the cron would make them, while windows are left (a run takes at most
    // `maxWindows`); none after a failure, which the next run would most likely repeat.
    while (windowsLeft > 0 && runs.length < MAX_RUNS) {
      const run = await measuredRun(env, {
        heapCapMb,
        timeoutMs: RUN_TIMEOUT_MS,
        runOptions,
        nodeFlags,
      });
      runs.push(run);
      windowsLeft = (await scanKeys(redis, watchKeyPattern(config.redisKeyPrefix))).length;
      if (run.failure !== undefined) break;
    }
    const redisStats = await stack.stats();

    const db = createDocumentClient(config, { timeoutMs: 60_000 });
    const tableItems = await countItems(db, config.dynamodbTable);
    db.destroy();
    const viewers = scenario.stages * scenario.viewersPerStage;
    const sum = (pick: (r: NonNullable<MeasuredRun["report"]>) => number) =>
      runs.reduce((total, run) => total + (run.report ? pick(run.report) : 0), 0);
    const complete =
      windowsLeft === 0 &&
      runs.every((run) => run.failure === undefined) &&
      sum((r) => r.windows) === scenario.stages &&
      sum((r) => r.viewingRecords) === viewers &&
      tableItems === sum((r) => r.items);
    return {
      scenario,
      settings,
      viewers,
      seedMs,
      redisBytes,
      runs,
      redis: redisStats,
      tableItems,
      windowsLeft,
      complete,
    };
  } finally {
    await stack.stop();
  }
}

/** Items in the table (the stack is fresh per scenario, so all are this scenario's). */
async function countItems(
  db: ReturnType<typeof createDocumentClient>,
  table: string,
): Promise<number> {
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({ TableName: table, Select: "COUNT", ExclusiveStartKey: startKey }),
    );
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return count;
}
