/**
 * Test-only helpers for the sync job's tests (imported by `*.test.ts` beside it, never by the
 * job): the real local stack from `inject("stackEnv")`, a key prefix of the test's own, the
 * clients the job gets in production, and heartbeats written with the edge's commands.
 */
import {
  createDocumentClient,
  createDynamoClient,
  createRedis,
  type DocumentClient,
} from "@viewer-presence/shared/clients";
import { parseConfig } from "@viewer-presence/shared/config";
import { SYNC_CALL_DEADLINES } from "@viewer-presence/shared/deadlines";
import {
  SNAPSHOT_PREFIX,
  stageKeys,
  viewingRecordsPartition,
} from "@viewer-presence/shared/dynamo-keys";
import { queryItems } from "@viewer-presence/shared/dynamo-query";
import { redisKeys } from "@viewer-presence/shared/redis-keys";
import { epochOfWindow } from "@viewer-presence/shared/slot-bitmaps";
import { inject } from "vitest";
import { createTable } from "../../sync/create-table";
import type { RunReport } from "../../sync/run-report";
import { type RunSyncDeps, type RunSyncOptions, runSync } from "../../sync/run-sync";
import type { SyncRedis } from "../../sync/sync-redis";
import { T0 } from "../in-process/harness";
import { recordHeartbeat } from "../recorded-heartbeat";
import { testBindings, uniqueId } from "../test-env";

export { T0 };

/** No waiting in tests: backoff sleeps return at once. */
export const noSleep = async (_ms: number) => {};

/**
 * A table of its own, for a test whose run must see no other test's items: a run that restores
 * the registry takes in every stage of the table, and then their due broadcasts and days too.
 * Returns the bindings that name it.
 */
export async function ownTable(): Promise<{ DYNAMODB_TABLE: string }> {
  const table = uniqueId("table");
  const env = testBindings(inject("stackEnv") as unknown as Record<string, string>);
  await createTable(createDynamoClient(parseConfig(env)), table);
  return { DYNAMODB_TABLE: table };
}

export function syncTestContext(overrides: Record<string, string> = {}) {
  const env = testBindings(inject("stackEnv") as unknown as Record<string, string>, overrides);
  const config = parseConfig(env);
  const redis = createRedis(config, SYNC_CALL_DEADLINES.redis);
  const db = createDocumentClient(config, SYNC_CALL_DEADLINES.dynamo);
  const keys = redisKeys(config.redisKeyPrefix);
  const clock = { nowMs: T0 };
  const logs: string[] = [];

  const context = {
    env,
    config,
    redis,
    db,
    keys,
    clock,
    logs,
    table: config.dynamodbTable,
    stageId: (label = "s") => uniqueId(label),

    /** One sync run with the test's clock and clients; `deps` swaps any of them. */
    run(options: RunSyncOptions = {}, deps: Partial<RunSyncDeps> = {}): Promise<RunReport> {
      return runSync(
        {
          redis,
          db,
          config,
          now: () => clock.nowMs,
          log: (line) => logs.push(line),
          random: () => 0.5,
          ...deps,
        },
        { ...options, write: { sleep: noSleep, ...options.write } },
      );
    },

    /**
     * A heartbeat as the edge records it (interval 30 s): the edge's own HEARTBEAT_SCRIPT, which
     * finds or hands out the viewer's index and sets their bits in the slot's bitmap.
     */
    async heartbeat(
      stageId: string,
      viewerId: string,
      atMs = clock.nowMs,
      intervalSec = 30,
      audience = "unknown|o",
    ) {
      await recordHeartbeat(redis, keys, {
        stageId,
        viewerId,
        atMs,
        intervalSec,
        audienceTag: audience,
      });
    },

    /**
     * Writes a window in the slot-bitmap layout directly, as heartbeats would (present and
     * watched bits), for viewers new to the epoch: `slotsOf(i)` gives viewer i's slot offsets,
     * each slot `widthSec` wide (default 30). Thousands of bits per BITFIELD, so large stages
     * seed in seconds.
     */
    async markBitmapSlots(
      stageId: string,
      window: number,
      viewerIds: readonly string[],
      slotsOf: (i: number) => readonly number[],
      widthSec = 30,
    ) {
      const epoch = epochOfWindow(window);
      for (let i = 0; i < viewerIds.length; i += 5_000) {
        const chunk = viewerIds.slice(i, i + 5_000);
        const pipeline = redis.pipeline();
        pipeline.rpush(keys.viewerList(stageId, epoch), ...chunk);
        const fields: Record<string, number> = {};
        chunk.forEach((id, j) => {
          fields[id] = i + j;
        });
        pipeline.hset(keys.viewerIndex(stageId, epoch), fields);
        const bySlot = new Map<number, number[]>();
        chunk.forEach((_, j) => {
          for (const offset of slotsOf(i + j)) {
            const indexes = bySlot.get(offset) ?? [];
            bySlot.set(offset, indexes);
            indexes.push(i + j);
          }
        });
        for (const [offset, indexes] of bySlot) {
          const bits = pipeline.bitfield(
            keys.slotBitmap(stageId, window, { offsetSec: offset, widthSec }),
          );
          for (const index of indexes) bits.set("u2", `#${index}`, 3);
          bits.exec();
        }
        await pipeline.exec();
      }
      await redis.sadd(keys.indexedEpochs(), `${stageId}:${epoch}`);
    },

    /** Every item of a partition (Query, paginated), optionally under a sort-key prefix. */
    async query(pk: string, skPrefix?: string, client: DocumentClient = db) {
      const items: Record<string, unknown>[] = [];
      const query = queryItems(client, {
        tableName: config.dynamodbTable,
        partition: pk,
        ...(skPrefix ? { sortKey: { beginsWith: skPrefix } } : {}),
      });
      for await (const item of query) items.push(item);
      return items;
    },

    snapshots(stageId: string) {
      return context.query(stageKeys(stageId).pk, SNAPSHOT_PREFIX);
    },

    viewingItems(stageId: string) {
      return context.query(viewingRecordsPartition(stageId));
    },

    /** Every `[viewer, seconds]` stored for a stage, all windows, as a map. */
    async viewingSeconds(stageId: string): Promise<Map<string, number>> {
      const totals = new Map<string, number>();
      for (const item of await context.viewingItems(stageId)) {
        for (const [viewer, seconds] of item.records as [string, number][]) {
          totals.set(viewer, (totals.get(viewer) ?? 0) + seconds);
        }
      }
      return totals;
    },
  };
  return context;
}

export type SyncTestContext = ReturnType<typeof syncTestContext>;

/**
 * The real document client behind a wrapper that can answer like DynamoDB under pressure or
 * outage, which the local server cannot do on demand. `plan` sees each command and returns
 * what to do with it.
 */
export function faultyDb(
  real: DocumentClient,
  plan: (
    command: { constructor: { name: string }; input: unknown },
    call: number,
  ) => "pass" | "fail" | { unprocess: number },
) {
  const state = { calls: 0, commands: [] as string[] };
  const db: DocumentClient = {
    send: (async (command: never) => {
      const call = ++state.calls;
      const c = command as { constructor: { name: string }; input: Record<string, unknown> };
      state.commands.push(c.constructor.name);
      const decision = plan(c, call);
      if (decision === "fail") throw new Error("DynamoDB unreachable (injected)");
      if (decision === "pass") return real.send(command);
      // Leave the last `unprocess` requests unwritten and hand them back, as DynamoDB does.
      const requestItems = c.input.RequestItems as Record<string, unknown[]>;
      const [table, requests] = Object.entries(requestItems)[0]!;
      const keep = requests.slice(0, requests.length - decision.unprocess);
      const back = requests.slice(requests.length - decision.unprocess);
      if (keep.length === 0) return { UnprocessedItems: { [table]: back }, ConsumedCapacity: [] };
      const output = (await real.send(
        new (c.constructor as new (input: unknown) => never)({
          ...c.input,
          RequestItems: { [table]: keep },
        }),
      )) as Record<string, unknown>;
      return { ...output, UnprocessedItems: back.length > 0 ? { [table]: back } : {} };
    }) as DocumentClient["send"],
  };
  return { db, state };
}

/** A Redis client whose calls named in `failing` throw (faults between two steps of a run). */
export function faultyRedis(real: SyncRedis, failing: Set<string>): SyncRedis {
  return new Proxy(real, {
    get(target, property, receiver) {
      if (typeof property === "string" && failing.has(property)) {
        return () => Promise.reject(new Error(`Redis ${property} failed (injected)`));
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
