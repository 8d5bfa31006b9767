import type { DocumentClient } from "@viewer-presence/shared/clients";
import { AUDIT_ITEM_TYPE, auditEventKeys } from "@viewer-presence/shared/dynamo-keys";
import { auditKeyPattern, parseAuditKey } from "@viewer-presence/shared/redis-keys";
import type { RunReport } from "./run-report";
import { type StreamEntry, type SyncRedis, scanKeys, streamEntries } from "./sync-redis";
import type { BatchWriteOptions } from "./windows/batch-write";
import { writeItems } from "./windows/write-items";

/** One accepted heartbeat, as kept for billing and audit. */
export interface AuditItem {
  pk: string;
  /** The stream entry id `<ms>-<seq>`: unique per stream, so a rerun overwrites. */
  sk: string;
  type: typeof AUDIT_ITEM_TYPE;
  stageId: string;
  viewerId: string;
  /** ISO time of the heartbeat (the edge's clock, field `t`). */
  at: string;
  /** Epoch seconds after which DynamoDB deletes the event; absent keeps it. */
  ttl?: number;
}

export interface DrainAuditOptions {
  nowMs: number;
  tableName: string;
  /** Days to keep audit events; `undefined` keeps them for good. */
  ttlDays?: number;
  /** Entries read per XRANGE (default 1000). */
  pageSize: number;
  /** Most entries moved per stream per run, so one busy stream cannot hold the lock for long. */
  maxEntriesPerStream: number;
  write: BatchWriteOptions;
}

/** The DynamoDB item for a stream entry (`v` viewer id, `t` heartbeat ms). */
export function auditItem(stageId: string, entry: StreamEntry, nowMs: number, ttlDays?: number) {
  const atMs = Number(entry.fields.t);
  const item: AuditItem = {
    ...auditEventKeys(stageId, entry.id),
    type: AUDIT_ITEM_TYPE,
    stageId,
    viewerId: entry.fields.v ?? "",
    at: new Date(Number.isFinite(atMs) ? atMs : Number(entry.id.split("-")[0])).toISOString(),
  };
  if (ttlDays !== undefined) item.ttl = Math.floor(nowMs / 1000) + Math.round(ttlDays * 86_400);
  return item;
}

/**
 * The seed's scheme 2, drained: for every audit stream `a:<stage>` (found with SCAN), read
 * entries oldest first (XRANGE, a page at a time), write them with batchWrite, and only after
 * DynamoDB confirmed a page, XDEL exactly the ids written. Entries appended meanwhile are
 * newer and stay for the next page or run. A failure leaves the page in the stream; the next
 * run writes it again under the same keys.
 */
export async function drainAuditStreams(
  deps: { redis: Pick<SyncRedis, "scan" | "xrange" | "xdel">; db: DocumentClient },
  prefix: string,
  options: DrainAuditOptions,
  report: RunReport,
): Promise<void> {
  const { redis, db } = deps;
  for (const key of await scanKeys(redis, auditKeyPattern(prefix))) {
    const parsed = parseAuditKey(prefix, key);
    if (parsed === undefined) continue;
    let moved = 0;
    let start = "-";
    while (moved < options.maxEntriesPerStream) {
      const count = Math.min(options.pageSize, options.maxEntriesPerStream - moved);
      const entries = streamEntries(await redis.xrange(key, start, "+", count));
      if (entries.length === 0) break;
      const items = entries.map((entry) =>
        auditItem(parsed.stageId, entry, options.nowMs, options.ttlDays),
      );
      await writeItems(db, options.tableName, items, options.write, report);
      await redis.xdel(
        key,
        entries.map((entry) => entry.id),
      );
      report.auditEvents += entries.length;
      moved += entries.length;
      if (entries.length < count) break;
      start = `(${entries.at(-1)!.id}`;
    }
  }
}
