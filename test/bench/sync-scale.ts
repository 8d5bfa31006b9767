/**
 * One scale scenario of the sync benchmark: a fresh local stack (out of process), Redis seeded
 * as the edge leaves one closed window (slot bitmaps),
 * then production sync runs (`syncOnce`, each in a child capped at 128 MB) one after another,
 * as successive cron invocations, until no window is left, or a run fails having made no
 * progress (a run stopped by its deadline after writing items is followed by the next, which
 * resumes the window where it stopped). Then a completeness check against what DynamoDB holds:
 * no closed window left unsynced in Redis, one snapshot per stage, and every viewer's record
 * exactly once with the 300 s each watched.
 */
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient } from "@viewer-presence/shared/clients";
import type { parseConfig } from "@viewer-presence/shared/config";
import {
  DAY_ROLLUP_ITEM_TYPE,
  HOUR_ROLLUP_ITEM_TYPE,
  SNAPSHOT_ITEM_TYPE,
  VIEWING_RECORDS_ITEM_TYPE,
} from "@viewer-presence/shared/dynamo-keys";
import type { Breakdown } from "@viewer-presence/shared/history-items";
import type { RedisKeys } from "@viewer-presence/shared/redis-keys";
import { EPOCH_WINDOWS, epochAt } from "@viewer-presence/shared/slot-bitmaps";
import { windowIndex } from "@viewer-presence/shared/windows";
import { maxPresenceTtlSec } from "../../sync/budget-interval";
import type { SyncRedis } from "../../sync/sync-redis";
import { findClosedSlotWindows, readSyncedWindows } from "../../sync/windows/find-work";
import { noUpstashStats, type UpstashStats } from "../stack/upstash-proxy";
import { startBenchStack } from "./bench-stack";
import { type MeasuredRun, measuredRun } from "./measured-run";
import { audienceOf, redisUsedMemory, seedingTarget, seedWindows, stageIds } from "./seed-windows";

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
  /**
   * Seed the window in an hour that ended two hours ago, and keep running until every hour is
   * closed (rolled up, its index dropped): what the first runs after each hour's end do.
   */
  rollUp?: boolean;
}

export interface ScenarioResult {
  scenario: Scenario;
  settings: RunSettings;
  viewers: number;
  /** The whole scenario: stack start, seeding, runs, checks, stack stop, in ms. */
  scenarioMs: number;
  seedMs: number;
  /** Redis used_memory after seeding, minus that of the empty server, in bytes. */
  redisBytes: number;
  runs: MeasuredRun[];
  /** What each run sent to Redis, in the order of `runs`. */
  runRedis: UpstashStats[];
  redis: UpstashStats;
  /** What DynamoDB holds after the runs (one Scan of the fresh table). */
  table: TableContents;
  /** Closed windows still waiting for sync in Redis after the runs. */
  windowsLeft: number;
  /** Every window and every viewer's record in DynamoDB, nothing left in Redis. */
  complete: boolean;
}

export interface TableContents {
  items: number;
  snapshots: number;
  /** Sum of the snapshots' `uniqueViewers`. */
  snapshotViewers: number;
  viewingItems: number;
  /** Records in the viewing-records items, and how many distinct viewers they name. */
  records: number;
  distinctViewers: number;
  /** Sum of the records' seconds. */
  watchSeconds: number;
  /** Viewers per country and per device class, summed over the snapshots' breakdowns. */
  countries: Record<string, number>;
  devices: Record<string, number>;
  /** Hourly and daily rollup items. */
  hourRollups: number;
  dayRollups: number;
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

/** Seconds every seeded viewer watched: all 10 slots of 30 s. */
const SECONDS_PER_VIEWER = 300;

export async function runScenario(
  scenario: Scenario,
  settings: RunSettings = { heapCapMb: HEAP_CAP_MB },
): Promise<ScenarioResult> {
  const { heapCapMb, runOptions, nodeFlags } = settings;
  const scenarioStarted = performance.now();
  const stack = await startBenchStack();
  let result: Omit<ScenarioResult, "scenarioMs">;
  try {
    const { env, config, redis, keys } = seedingTarget(stack.env);
    const memoryBefore = await redisUsedMemory(
      env.UPSTASH_REDIS_REST_URL!,
      config.upstashRedisRestToken,
    );
    const seedStarted = performance.now();
    // Closed a window ago by the real clock: the runs use the real clock. To roll an hour up,
    // the first window of the hour before last, so that hour has ended past any grace.
    const window = scenario.rollUp
      ? (epochAt(Date.now()) - 2) * EPOCH_WINDOWS
      : windowIndex(Date.now()) - 2;
    await seedWindows(redis, keys, { ...scenario, window });
    const seedMs = Math.round(performance.now() - seedStarted);
    const redisBytes =
      (await redisUsedMemory(config.upstashRedisRestUrl, config.upstashRedisRestToken)) -
      memoryBefore;
    const waiting = () => slotWindowsWaiting(redis, keys, config);

    await stack.resetStats();
    // The endpoint's counts of the runs alone: read after each run, reset after the check
    // between runs (whose SCAN is the benchmark's, not the job's).
    const redisStats = noUpstashStats();
    const runs: MeasuredRun[] = [];
    const runRedis: UpstashStats[] = [];
    let windowsLeft = scenario.stages;
    const hoursOpen = async () =>
      scenario.rollUp ? Number(await redis.scard(keys.indexedEpochs())) : 0;
    let hoursLeft = await hoursOpen();
    // Runs as the cron would make them, while windows are left (a run takes at most
    // `maxWindows`, and stops at its deadline). After a failed run, another only if it made
    // progress (wrote items, or synced windows), as the next would resume from there; not after
    // one that made none, which the next would most likely repeat.
    while ((windowsLeft > 0 || hoursLeft > 0) && runs.length < MAX_RUNS) {
      console.error(`sync bench: ${scenario.label}: run ${runs.length + 1} ...`);
      const run = await measuredRun(env, {
        heapCapMb,
        timeoutMs: RUN_TIMEOUT_MS,
        runOptions,
        nodeFlags,
      });
      runs.push(run);
      const stats = await stack.stats();
      for (const name of Object.keys(redisStats) as (keyof UpstashStats)[]) {
        redisStats[name] += stats[name];
      }
      runRedis.push(stats);
      const before = windowsLeft + hoursLeft;
      windowsLeft = await waiting();
      hoursLeft = await hoursOpen();
      await stack.resetStats();
      console.error(
        `sync bench: ${scenario.label}: run ${runs.length}: ${run.failure ?? "ok"}, ${run.wallMs} ms, ${run.report?.items ?? "?"} items, ${windowsLeft} windows left`,
      );
      const progressed = (run.report?.items ?? 0) > 0 || windowsLeft + hoursLeft < before;
      if (run.failure !== undefined && !progressed) break;
    }

    const db = createDocumentClient(config, { timeoutMs: 60_000 });
    const table = await readTable(db, config.dynamodbTable);
    db.destroy();
    const viewers = scenario.stages * scenario.viewersPerStage;
    const complete =
      windowsLeft === 0 &&
      runs.at(-1)?.failure === undefined &&
      table.snapshots === scenario.stages &&
      table.snapshotViewers === viewers &&
      table.records === viewers &&
      table.distinctViewers === viewers &&
      table.watchSeconds === viewers * SECONDS_PER_VIEWER &&
      // Slot-bitmap windows break viewers down by the country and device seeded with them.
      breakdownsMatch(scenario, table) &&
      // Every stage's hour closed and rolled up, when asked.
      (!scenario.rollUp || (hoursLeft === 0 && table.hourRollups === scenario.stages));
    result = {
      scenario,
      settings,
      viewers,
      seedMs,
      redisBytes,
      runs,
      runRedis,
      redis: redisStats,
      table,
      windowsLeft,
      complete,
    };
  } finally {
    await stack.stop();
  }
  return { ...result, scenarioMs: Math.round(performance.now() - scenarioStarted) };
}

/**
 * Closed windows of slot bitmaps not yet synced, as the next run would find them: a synced
 * window's bitmaps stay (listed in `bsy`) while the live count may read them, so a SCAN of
 * `b:*` alone would count them as left.
 */
export async function slotWindowsWaiting(
  redis: SyncRedis,
  keys: RedisKeys,
  config: ReturnType<typeof parseConfig>,
): Promise<number> {
  const nowMs = Date.now();
  const synced = await readSyncedWindows(redis, keys, nowMs, maxPresenceTtlSec(config));
  const work = await findClosedSlotWindows(redis, config.redisKeyPrefix, nowMs, {
    graceMs: 10_000,
    maxWindows: Number.POSITIVE_INFINITY,
    synced,
  });
  return work.windows.length + work.deferred;
}

/** Whether the snapshots' breakdowns count every seeded viewer under their country and device. */
export function breakdownsMatch(scenario: Scenario, table: TableContents): boolean {
  const countries: Record<string, number> = {};
  const devices: Record<string, number> = {};
  const viewers = stageIds({ ...scenario, window: 0 }).length * scenario.viewersPerStage;
  for (let n = 0; n < viewers; n++) {
    const { country, device } = audienceOf(n);
    countries[country] = (countries[country] ?? 0) + 1;
    devices[device] = (devices[device] ?? 0) + 1;
  }
  const same = (a: Record<string, number>, b: Record<string, number>) =>
    Object.keys(a).length === Object.keys(b).length &&
    Object.entries(a).every(([key, count]) => b[key] === count);
  return same(countries, table.countries) && same(devices, table.devices);
}

/**
 * What the table holds (the stack is fresh per scenario, so all of it is this scenario's): one
 * Scan of type, uniqueViewers and records, paginated; viewer ids are unique across stages.
 */
export async function readTable(
  db: ReturnType<typeof createDocumentClient>,
  table: string,
): Promise<TableContents> {
  const contents: TableContents = {
    items: 0,
    snapshots: 0,
    snapshotViewers: 0,
    viewingItems: 0,
    records: 0,
    distinctViewers: 0,
    watchSeconds: 0,
    countries: {},
    devices: {},
    hourRollups: 0,
    dayRollups: 0,
  };
  const add = (into: Record<string, number>, breakdown: unknown) => {
    for (const [key, [viewers]] of Object.entries((breakdown ?? {}) as Breakdown)) {
      into[key] = (into[key] ?? 0) + viewers;
    }
  };
  const viewers = new Set<string>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: table,
        ProjectionExpression: "#type, uniqueViewers, countries, devices, records",
        ExpressionAttributeNames: { "#type": "type" },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      contents.items++;
      if (item.type === SNAPSHOT_ITEM_TYPE) {
        contents.snapshots++;
        contents.snapshotViewers += Number(item.uniqueViewers);
        add(contents.countries, item.countries);
        add(contents.devices, item.devices);
      } else if (item.type === HOUR_ROLLUP_ITEM_TYPE) {
        contents.hourRollups++;
      } else if (item.type === DAY_ROLLUP_ITEM_TYPE) {
        contents.dayRollups++;
      } else if (item.type === VIEWING_RECORDS_ITEM_TYPE) {
        contents.viewingItems++;
        for (const [viewer, seconds] of item.records as [string, number][]) {
          contents.records++;
          contents.watchSeconds += Number(seconds);
          viewers.add(viewer);
        }
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  contents.distinctViewers = viewers.size;
  return contents;
}
