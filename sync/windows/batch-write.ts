import type { DocumentClient } from "@viewer-presence/shared/clients";
import { batchPutItems } from "@viewer-presence/shared/dynamo-items";

/** Most PutRequests one BatchWriteItem call takes (a DynamoDB limit). */
export const BATCH_WRITE_MAX_ITEMS = 25;

export interface BatchWriteOptions {
  /** Calls in flight at once (default 4). */
  concurrency?: number;
  /** Attempts per chunk, the first included, before its unprocessed items fail (default 8). */
  maxAttempts?: number;
  /** Backoff base, in ms: retry n waits a random time in [0, base * 2^(n-1)) (default 50). */
  baseDelayMs?: number;
  /** Longest single backoff, in ms (default 5000). */
  maxDelayMs?: number;
  /** Uniform in [0, 1); the jitter source (default Math.random). */
  random?: () => number;
  /** Waits `ms` (default a timer); tests pass one that returns at once. */
  sleep?: (ms: number) => Promise<void>;
}

export interface BatchWriteResult {
  /** Items DynamoDB confirmed. */
  items: number;
  /** Write capacity units consumed, summed over every call (ConsumedCapacity, TOTAL). */
  writeUnits: number;
  /** Calls that resent UnprocessedItems. */
  retries: number;
  /** BatchWriteItem calls made. */
  calls: number;
}

/**
 * Thrown when items stayed unwritten: UnprocessedItems still left after `maxAttempts`, or a call
 * that failed outright (the SDK has already retried those). `cause` keeps the last failure.
 */
export class BatchWriteError extends Error {
  override readonly name = "BatchWriteError";
  readonly code = "dynamodb_batch_write_incomplete";
  constructor(
    /** Items not confirmed written (unprocessed, or in chunks never confirmed). */
    readonly unwrittenItems: number,
    /** What was confirmed before giving up. */
    readonly partial: BatchWriteResult,
    options?: { cause?: unknown },
  ) {
    super(
      `DynamoDB did not confirm ${unwrittenItems} of ${unwrittenItems + partial.items} items` +
        (options?.cause instanceof Error ? `: ${options.cause.message}` : ""),
      options,
    );
  }
}

/** A plain item, in document-client form (lib-dynamodb marshals it). */
type Item = object;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Writes items with BatchWriteItem, 25 a call and `concurrency` calls in flight, resending every
 * UnprocessedItems with exponential backoff and full jitter. Resolves only when DynamoDB
 * confirmed every item; otherwise lets the chunks in flight finish, starts no new ones, and
 * throws {@link BatchWriteError}. Items must have distinct keys (DynamoDB refuses a call with
 * duplicates).
 */
export async function batchWrite(
  db: DocumentClient,
  tableName: string,
  items: readonly Item[],
  options: BatchWriteOptions = {},
): Promise<BatchWriteResult> {
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const maxAttempts = Math.max(1, options.maxAttempts ?? 8);
  const baseDelayMs = options.baseDelayMs ?? 50;
  const maxDelayMs = options.maxDelayMs ?? 5000;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? defaultSleep;

  const chunks: Item[][] = [];
  for (let i = 0; i < items.length; i += BATCH_WRITE_MAX_ITEMS) {
    chunks.push(items.slice(i, i + BATCH_WRITE_MAX_ITEMS));
  }
  const result: BatchWriteResult = { items: 0, writeUnits: 0, retries: 0, calls: 0 };
  let unwritten = 0;
  let failure: unknown;
  let next = 0;

  async function writeChunk(chunk: Item[]): Promise<void> {
    let pending = chunk;
    for (let attempt = 1; ; attempt++) {
      let left: Item[];
      try {
        result.calls++;
        left = await batchPutItems(db, tableName, pending, {
          onWriteUnits: (units) => {
            result.writeUnits += units;
          },
        });
      } catch (error) {
        // A call that threw confirmed nothing of what it carried.
        unwritten += pending.length;
        failure ??= error;
        return;
      }
      result.items += pending.length - left.length;
      if (left.length === 0) return;
      if (attempt >= maxAttempts) {
        unwritten += left.length;
        failure ??= new Error(
          `${left.length} items still unprocessed after ${maxAttempts} attempts`,
        );
        return;
      }
      pending = left;
      result.retries++;
      await sleep(Math.floor(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1))));
    }
  }

  async function worker(): Promise<void> {
    while (failure === undefined && next < chunks.length) await writeChunk(chunks[next++]!);
  }

  await Promise.all(Array.from({ length: Math.min(concurrency, chunks.length) }, worker));
  if (failure !== undefined) {
    // Chunks never started are unwritten too.
    for (; next < chunks.length; next++) unwritten += chunks[next]!.length;
    throw new BatchWriteError(unwritten, result, { cause: failure });
  }
  return result;
}
