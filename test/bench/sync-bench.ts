/**
 * Benchmark of one sync run (`npm run bench:sync`): starts its own local stack (redis-server
 * behind the Upstash REST proxy, dynalite), fills Redis as the edge would after a full 5-minute
 * window of 100 stages with 10 000 viewers in all (each viewer beating every 30 s: ZADD presence,
 * HSET 10 slots), runs `runSync` once, then writes the same items with a bare BatchWriteItem
 * loop (25 a call, one call after another, no retries), and the same records with one item per
 * record (no packing). Prints a markdown table. Absolute times are those of a local in-memory
 * server, not of AWS; items, write units and Redis commands are what production would bill.
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient, createRedis, type DocumentClient } from "../../shared/clients";
import { parseConfig } from "../../shared/config";
import { SYNC_CALL_DEADLINES } from "../../shared/deadlines";
import { redisKeys, watchMember } from "../../shared/redis-keys";
import { WINDOW_MS, windowIndex, windowStartMs } from "../../shared/windows";
import { runSync } from "../../sync/run-sync";
import { summarizeMembers } from "../../sync/window-accumulator";
import { packViewingRecords, snapshotItem, unpackedViewingRecords } from "../../sync/window-items";
import { startLocalStack } from "../stack";

const STAGES = 100;
const VIEWERS = 10_000;
const INTERVAL_SEC = 30;
const SLOTS = WINDOW_MS / 1000 / INTERVAL_SEC;

interface Row {
  variant: string;
  items: number;
  writeUnits: number;
  calls: number;
  /** Wall time of the DynamoDB writes alone, in ms. */
  writeMs: number;
  /** Wall time of the whole variant (runSync: Redis reads and deletes included), in ms. */
  durationMs: number;
}

/** A bare loop: BatchWriteItem 25 items a call, sequential, unprocessed items not retried. */
async function bareLoop(db: DocumentClient, table: string, items: object[]): Promise<Row> {
  const started = performance.now();
  let writeUnits = 0;
  let calls = 0;
  let unprocessed = 0;
  for (let i = 0; i < items.length; i += 25) {
    const output = await db.send(
      new BatchWriteCommand({
        RequestItems: {
          [table]: items
            .slice(i, i + 25)
            .map((item) => ({ PutRequest: { Item: item as Record<string, unknown> } })),
        },
        ReturnConsumedCapacity: "TOTAL",
      }),
    );
    calls++;
    writeUnits += (output.ConsumedCapacity ?? []).reduce((s, c) => s + (c.CapacityUnits ?? 0), 0);
    unprocessed += output.UnprocessedItems?.[table]?.length ?? 0;
  }
  const durationMs = Math.round(performance.now() - started);
  return {
    variant: "",
    items: items.length - unprocessed,
    writeUnits,
    calls,
    writeMs: durationMs,
    durationMs,
  };
}

export async function benchSync(): Promise<string> {
  const stack = await startLocalStack();
  try {
    const config = parseConfig({
      ...stack.env,
      ADMIN_API_KEY: "bench-admin-key-0123456789",
      VIEWER_TOKEN_SECRET: "bench-viewer-token-secret-0123456789abcdef",
      REDIS_KEY_PREFIX: "bench:",
    });
    const redis = createRedis(config, SYNC_CALL_DEADLINES.redis);
    const db = createDocumentClient(config, SYNC_CALL_DEADLINES.dynamo);
    const keys = redisKeys(config.redisKeyPrefix);
    const window = windowIndex(Date.UTC(2026, 10, 27, 12, 0, 0));
    const startMs = windowStartMs(window);
    const nowMs = startMs + WINDOW_MS + 15_000;
    const stageIds = Array.from(
      { length: STAGES },
      (_, s) => `bench-${String(s).padStart(3, "0")}`,
    );
    const perStage = VIEWERS / STAGES;

    // What the edge leaves behind after the window: presence and 10 slots per viewer.
    const windows = new Map<string, string[]>();
    for (const stageId of stageIds) {
      const slots: { score: number; member: string }[] = [];
      const members: { score: number; member: string }[] = [];
      for (let v = 0; v < perStage; v++) {
        const viewerId = `user-${stageId}-${String(v).padStart(5, "0")}`;
        for (let slot = 0; slot < SLOTS; slot++) {
          const member = watchMember(viewerId, {
            offsetSec: slot * INTERVAL_SEC,
            widthSec: INTERVAL_SEC,
          });
          slots.push({ score: 0, member });
        }
        members.push({ score: startMs + WINDOW_MS - 10_000 + v, member: viewerId });
      }
      const pipeline = redis.pipeline();
      pipeline.zadd(keys.presence(stageId), members[0]!, ...members.slice(1));
      pipeline.zadd(keys.watch(stageId, window), slots[0]!, ...slots.slice(1));
      await pipeline.exec();
      windows.set(stageId, slots.map((slot) => slot.member).sort());
    }
    await redis.sadd(keys.stages(), stageIds[0]!, ...stageIds.slice(1));
    await redis.set(keys.marker(), "full");

    stack.proxy.resetStats();
    // Counts calls and the time at least one call was in flight (the write phase's wall time).
    let syncCalls = 0;
    let inFlight = 0;
    let busySince = 0;
    let busyMs = 0;
    const countingDb: DocumentClient = {
      send: (async (command: never) => {
        syncCalls++;
        if (inFlight++ === 0) busySince = performance.now();
        try {
          return await db.send(command);
        } finally {
          if (--inFlight === 0) busyMs += performance.now() - busySince;
        }
      }) as DocumentClient["send"],
    };
    const report = await runSync({
      redis,
      db: countingDb,
      config,
      now: () => nowMs,
      log: () => {},
    });
    const redisStats = stack.proxy.stats();
    const rows: Row[] = [
      {
        variant: "runSync (packed, 4 calls in flight)",
        items: report.items,
        writeUnits: report.writeUnits,
        calls: syncCalls,
        writeMs: Math.round(busyMs),
        durationMs: report.durationMs,
      },
    ];

    // The same item list again, under other stage ids so nothing is overwritten.
    const packedItems: object[] = [];
    const unpackedItems: object[] = [];
    for (const stageId of stageIds) {
      const summary = summarizeMembers(windows.get(stageId)!);
      const bareId = `bare-${stageId}`;
      packedItems.push(
        snapshotItem({
          stageId: bareId,
          window,
          totals: summary,
          viewerCount: perStage,
          takenAtMs: nowMs,
          ttlDays: 30,
        }),
        ...packViewingRecords(bareId, window, summary.records),
      );
      unpackedItems.push(
        snapshotItem({
          stageId: `flat-${stageId}`,
          window,
          totals: summary,
          viewerCount: perStage,
          takenAtMs: nowMs,
          ttlDays: 30,
        }),
        ...unpackedViewingRecords(`flat-${stageId}`, window, summary.records),
      );
    }
    rows.push({
      ...(await bareLoop(db, config.dynamodbTable, packedItems)),
      variant: "bare loop, same items (sequential)",
    });
    rows.push({
      ...(await bareLoop(db, config.dynamodbTable, unpackedItems)),
      variant: "bare loop, one item per record",
    });

    const [sync, bare, flat] = rows as [Row, Row, Row];
    const lines = [
      `${STAGES} stages, ${VIEWERS} viewers, one closed window (${SLOTS} slots each); local stack`,
      "",
      "| variant | items | write units | BatchWriteItem calls | DynamoDB time (ms) | total (ms) |",
      "|---|---:|---:|---:|---:|---:|",
      ...rows.map(
        (r) =>
          `| ${r.variant} | ${r.items} | ${r.writeUnits} | ${r.calls} | ${r.writeMs} | ${r.durationMs} |`,
      ),
      "",
      `- runSync duration includes the Redis side: ${redisStats.requests} requests, ${redisStats.commands} commands, ${(redisStats.responseBytes / 1e6).toFixed(1)} MB read.`,
      `- packing: ${(flat.writeUnits / sync.writeUnits).toFixed(1)}x fewer write units than one item per record (${flat.writeUnits} -> ${sync.writeUnits}).`,
      `- same items, runSync's writes vs the bare loop: ${sync.writeMs} ms vs ${bare.writeMs} ms, same write units (${sync.writeUnits} vs ${bare.writeUnits}); dynalite runs in this process, so calls in flight share one CPU and latency, which concurrency hides on AWS, is absent.`,
    ];
    (db as { destroy?: () => void }).destroy?.();
    return lines.join("\n");
  } finally {
    await stack.stop();
  }
}

const entry = process.argv[1];
// Run only when executed (tsx sync/...), not when imported; realpath so symlinks agree.
if (entry !== undefined && realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url))) {
  console.log(await benchSync());
}
