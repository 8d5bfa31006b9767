/**
 * The sync job's write phase against a bare loop, fairly: the same packed items (one
 * 10,000-viewer window), written by `batchWrite` (sync/windows/batch-write.ts: 4 calls in flight,
 * retries) and by a sequential BatchWriteItem loop, in alternating order (A B B A A B ...) so
 * neither always runs on a warmer server, each under stage ids of its own so nothing is
 * overwritten, against dynalite in another process.
 */
import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { DocumentClient } from "@viewer-presence/shared/clients";
import { createDocumentClient } from "@viewer-presence/shared/clients";
import { parseConfig } from "@viewer-presence/shared/config";
import { BATCH_WRITE_MAX_ITEMS, batchWrite } from "../../sync/windows/batch-write";
import { summarizeViewers } from "../../sync/windows/window-accumulator";
import {
  packViewingRecords,
  snapshotItem,
  unpackedViewingRecords,
} from "../../sync/windows/window-items";
import { startBenchStack } from "./bench-stack";
import { viewerId } from "./seed-windows";

const VIEWERS = 10_000;
const WINDOW = 5_930_000;

export interface WriteCompareResult {
  rounds: number;
  items: number;
  /** Per round, ms: the job's writer, the bare loop, and their ratio (job / bare). */
  job: number[];
  bare: number[];
  ratio: number[];
  packedWriteUnits: number;
  unpackedItems: number;
  unpackedWriteUnits: number;
}

/** The items one 10,000-viewer window syncs to: its snapshot and packed records. */
function windowItems(stageId: string, unpacked = false): object[] {
  const slots = Array.from({ length: 10 }, (_, slot) => ({ offsetSec: slot * 30, widthSec: 30 }));
  const summary = summarizeViewers(
    Array.from({ length: VIEWERS }, (_, v) => [viewerId(v), slots] as const),
  );
  const snapshot = snapshotItem({
    stageId,
    window: WINDOW,
    totals: summary,
    viewerCount: VIEWERS,
    takenAtMs: Date.now(),
    ttlDays: 30,
  });
  const records = unpacked
    ? unpackedViewingRecords(stageId, WINDOW, summary.records)
    : packViewingRecords(stageId, WINDOW, summary.records);
  return [snapshot, ...records];
}

/** Same items under another stage id: every key (pk) and the stageId attribute. */
function retarget(items: object[], from: string, to: string): object[] {
  return items.map((item) =>
    Object.fromEntries(
      Object.entries(item).map(([k, v]) => [k, typeof v === "string" ? v.replaceAll(from, to) : v]),
    ),
  );
}

/** The baseline: BatchWriteItem 25 items a call, one call after another, nothing retried. */
async function bareLoop(db: DocumentClient, table: string, items: object[]) {
  let writeUnits = 0;
  let unprocessed = 0;
  for (let i = 0; i < items.length; i += BATCH_WRITE_MAX_ITEMS) {
    const output = await db.send(
      new BatchWriteCommand({
        RequestItems: {
          [table]: items
            .slice(i, i + BATCH_WRITE_MAX_ITEMS)
            .map((item) => ({ PutRequest: { Item: item as Record<string, unknown> } })),
        },
        ReturnConsumedCapacity: "TOTAL",
      }),
    );
    for (const consumed of output.ConsumedCapacity ?? []) writeUnits += consumed.CapacityUnits ?? 0;
    unprocessed += output.UnprocessedItems?.[table]?.length ?? 0;
  }
  // A baseline that dropped items would look fast for the wrong reason.
  if (unprocessed > 0) throw new Error(`bare loop: ${unprocessed} items unprocessed`);
  return { writeUnits };
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

export async function compareWrites(rounds: number): Promise<WriteCompareResult> {
  const stack = await startBenchStack();
  const config = parseConfig({
    ...stack.env,
    ADMIN_API_KEY: "bench-admin-key-0123456789",
    VIEWER_TOKEN_SECRET: "bench-viewer-token-secret-0123456789abcdef",
  });
  const db = createDocumentClient(config, { timeoutMs: 60_000 });
  const table = config.dynamodbTable;
  try {
    // Ids of 6 characters, as the scale scenarios' stages (`s00000`): every copy packs as the
    // template did, into the items the job writes for such a window.
    const template = windowItems("c-tmpl");
    let runs = 0;
    // Each write gets a stage of its own, so every run inserts rather than overwrites.
    const items = () => retarget(template, "c-tmpl", `c${String(runs++).padStart(5, "0")}`);
    const job = () => batchWrite(db, table, items());
    const bare = () => bareLoop(db, table, items());
    // Warm both paths once (connections, SDK middleware, JIT); not counted.
    const packedWriteUnits = (await job()).writeUnits;
    await bare();

    const result: WriteCompareResult = {
      rounds,
      items: template.length,
      job: [],
      bare: [],
      ratio: [],
      packedWriteUnits,
      unpackedItems: 0,
      unpackedWriteUnits: 0,
    };
    for (let round = 0; round < rounds; round++) {
      // A B, B A, A B, ...: each side runs first in half the rounds.
      const jobFirst = round % 2 === 0;
      const first = await timed(jobFirst ? job : bare);
      const second = await timed(jobFirst ? bare : job);
      const [jobMs, bareMs] = jobFirst ? [first, second] : [second, first];
      result.job.push(jobMs);
      result.bare.push(bareMs);
      result.ratio.push(jobMs / bareMs);
    }
    const unpacked = windowItems("c-flat", true);
    result.unpackedItems = unpacked.length;
    result.unpackedWriteUnits = (await batchWrite(db, table, unpacked)).writeUnits;
    return result;
  } finally {
    db.destroy();
    await stack.stop();
  }
}
