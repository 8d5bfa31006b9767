import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient } from "@viewer-presence/shared/clients";
import { parseConfig } from "@viewer-presence/shared/config";
import { ADMIN_ROUTE_DEADLINES } from "@viewer-presence/shared/deadlines";
import { snapshotKeys, viewingRecordsPartition } from "@viewer-presence/shared/dynamo-keys";
import type { SnapshotItem } from "@viewer-presence/shared/history-items";
import { windowIndex, windowStartMs } from "@viewer-presence/shared/windows";
import { afterAll, beforeAll } from "vitest";
import type { RunReport } from "../../sync/run-report";
import { type RunSyncOptions, runSync } from "../../sync/run-sync";
import { databaseRunDeps, type SyncDeadlines, syncClients, syncOnce } from "../../sync/sync-once";
import type { SyncRedis } from "../../sync/sync-redis";
import { createHarness } from "../in-process/harness";
import { type FaultStack, startFaultStack } from "./fault-stack";
import { createLedger, type WatchKey } from "./ledger";

/** The sync job's deadlines in these tests: short, so a stalled run ends in seconds. */
export const TEST_SYNC_DEADLINES: SyncDeadlines = { redisMs: 1_000, dynamoMs: 1_000, runMs: 4_000 };

/** Generous slack on a deadline for a loaded 2-core machine: asserts "bounded", not "fast". */
export const SLACK_MS = 1_500;

/**
 * The in-process app (injected clock) on a fault stack of the test file's own, with a ledger
 * of every heartbeat's answer and the table read back for the ledger check.
 */
export function faultHarness(stack: FaultStack) {
  /** What the app logged (`logError`), in order; printed too with DEBUG_APP set. */
  const logged: { message: string; error: unknown }[] = [];
  const h = createHarness({
    bindings: { ...stack.env },
    app: {
      logError: (message, error) => {
        logged.push({ message, error });
        if (process.env.DEBUG_APP) console.error(message, error);
      },
    },
  });
  const config = parseConfig(h.env);
  const ledger = createLedger(config.heartbeatIntervalSec);
  const tokens = new Map<string, string>();
  const db = createDocumentClient(config, ADMIN_ROUTE_DEADLINES.dynamo);

  const harness = {
    ...h,
    config,
    ledger,
    /** The Redis databases' URLs, in the configured order (what rendezvous hashing ranks). */
    urls: config.redisDatabases.map((database) => database.url),
    logged,
    /** One heartbeat at the clock's time, recorded in the ledger: its status, delay, Retry-After. */
    async beat(stageId: string, viewerId: string) {
      const key = `${stageId}|${viewerId}`;
      let token = tokens.get(key);
      if (token === undefined) {
        token = await h.token(viewerId, stageId, 86_400);
        tokens.set(key, token);
      }
      const atMs = h.clock.nowMs;
      const started = performance.now();
      const response = await h.heartbeat(stageId, token);
      const ms = performance.now() - started;
      ledger.record(stageId, viewerId, atMs, response.status);
      return {
        status: response.status,
        ms,
        retryAfter: response.headers.get("retry-after"),
        type: response.headers.get("content-type"),
        body: await response.text(),
      };
    },
    /** Every viewer beats once, all at once. */
    beatAll(stageId: string, viewerIds: readonly string[]) {
      return Promise.all(viewerIds.map((viewerId) => harness.beat(stageId, viewerId)));
    },
    /**
     * Every viewer of every stage beats every 30 s from now to the end of the current window;
     * then the clock moves 15 s past that end, when the window counts as closed. Returns the
     * statuses seen.
     */
    async watchWindow(stageIds: readonly string[], viewerIds: readonly string[]) {
      const end = windowStartMs(windowIndex(h.clock.nowMs) + 1);
      const statuses: number[] = [];
      for (; h.clock.nowMs < end; h.advance(30_000)) {
        for (const stageId of stageIds) {
          statuses.push(...(await harness.beatAll(stageId, viewerIds)).map((b) => b.status));
        }
      }
      h.clock.nowMs = end + 15_000;
      return statuses;
    },
    /** One run of the job as production runs it (syncOnce), on the test's clock. */
    sync(
      options: Parameters<typeof syncOnce>[1] = {},
    ): Promise<{ report?: RunReport; error?: unknown; ms: number }> {
      const started = performance.now();
      return syncOnce(config, {
        now: () => h.clock.nowMs,
        log: () => {},
        deadlines: TEST_SYNC_DEADLINES,
        ...options,
      }).then(
        (report) => ({ report, ms: performance.now() - started }),
        (error: unknown) => ({ error, ms: performance.now() - started }),
      );
    },
    /**
     * One run over one database (`database`, default the first) with the production clients
     * and wiring (syncClients, databaseRunDeps), watched at two points to time a real fault:
     * `afterDynamo` runs after each DynamoDB call returned (the call counted from 1, with the
     * command sent); `redis` may replace the job's Redis client (to make a run die at a given
     * call).
     */
    tappedSync(
      taps: {
        afterDynamo?: (
          command: string,
          call: number,
          sent: { input?: unknown },
        ) => void | Promise<void>;
        redis?: (real: SyncRedis) => SyncRedis;
        deadlines?: Partial<SyncDeadlines>;
        database?: number;
      },
      options: RunSyncOptions = {},
    ): Promise<{ report?: RunReport; error?: unknown; ms: number }> {
      const deadlines = { ...TEST_SYNC_DEADLINES, ...taps.deadlines };
      const database = taps.database ?? 0;
      const clients = syncClients(config, deadlines, database);
      let calls = 0;
      const send = (async (
        command: { constructor: { name: string }; input?: unknown },
        ...rest: never[]
      ) => {
        const output = await (clients.db.send as (...args: unknown[]) => Promise<unknown>)(
          command,
          ...rest,
        );
        await taps.afterDynamo?.(command.constructor.name, ++calls, command);
        return output;
      }) as typeof clients.db.send;
      const started = performance.now();
      return runSync(
        {
          ...clients,
          db: { send },
          redis: taps.redis ? taps.redis(clients.redis) : clients.redis,
          config,
          now: () => h.clock.nowMs,
          log: () => {},
          ...databaseRunDeps(config, database, clients.deadline, deadlines),
        },
        options,
      )
        .then(
          (report) => ({ report, ms: performance.now() - started }),
          (error: unknown) => ({ error, ms: performance.now() - started }),
        )
        .finally(() => clients.db.destroy());
    },
    /**
     * Watch seconds stored in DynamoDB per viewer and window (every packed item read back);
     * throws if a viewer appears twice for one window, which would count it twice.
     */
    async stored(stageId: string): Promise<Map<WatchKey, number>> {
      const seconds = new Map<WatchKey, number>();
      for (const [key, watched] of await harness.storedRecords(stageId)) {
        if (seconds.has(key)) throw new Error(`${key} is stored twice`);
        seconds.set(key, watched);
      }
      return new Map([...seconds].sort(([a], [b]) => a.localeCompare(b)));
    },
    /** Every viewing record stored for a stage, as `[viewer@window, seconds]`, duplicates kept. */
    async storedRecords(stageId: string): Promise<[WatchKey, number][]> {
      const records: [WatchKey, number][] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await db.send(
          new QueryCommand({
            TableName: config.dynamodbTable,
            KeyConditionExpression: "pk = :pk",
            ExpressionAttributeValues: { ":pk": viewingRecordsPartition(stageId) },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) {
          for (const [viewerId, watched] of item.records as [string, number][]) {
            records.push([`${viewerId}@${item.windowStart}`, watched]);
          }
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey !== undefined);
      return records;
    },
    /** A window's snapshot as stored (undefined when there is none). */
    async snapshot(stageId: string, window: number): Promise<SnapshotItem | undefined> {
      const { Item } = await db.send(
        new GetCommand({
          TableName: config.dynamodbTable,
          Key: snapshotKeys(stageId, windowStartMs(window)),
          ConsistentRead: true,
        }),
      );
      return Item as SnapshotItem | undefined;
    },
    close() {
      db.destroy();
    },
  };
  return harness;
}

export type FaultHarness = ReturnType<typeof faultHarness>;

/** Viewer ids `v00`, `v01`, ... */
export const viewers = (n: number) =>
  Array.from({ length: n }, (_, i) => `v${String(i).padStart(2, "0")}`);

/**
 * A fault stack and its harness for one test file: started before its tests (then `ready`
 * runs, for the file's own setup), stopped after them; `stack` says how many Redis databases
 * (default 1). Read `stack` and `h` inside tests.
 */
export function useFaultHarness(
  ready?: (h: FaultHarness) => Promise<void>,
  /** Redis databases in the stack (default 1). */
  options: { databases?: number } = {},
) {
  const fault = {} as { stack: FaultStack; h: FaultHarness };
  beforeAll(async () => {
    fault.stack = await startFaultStack(options);
    fault.h = faultHarness(fault.stack);
    await ready?.(fault.h);
  });
  afterAll(async () => {
    fault.h?.close();
    await fault.stack?.stop();
  });
  return fault;
}
