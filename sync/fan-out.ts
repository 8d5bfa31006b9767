import type { Config } from "@viewer-presence/shared/config";
import type { RunReport } from "./run-report";
import { chooseIntervalAcrossDatabases, syncOnce } from "./sync-once";

/** The part of a Cloudflare Queue producer binding the cron uses. */
export interface SyncQueue {
  sendBatch(messages: { body: SyncMessage }[]): Promise<unknown>;
}

/** One unit of sync work: one Redis database's run. */
export interface SyncMessage {
  database: number;
  /** When the cron fired (epoch ms), for the logs. */
  scheduledAtMs: number;
}

/**
 * What the cron does. With a queue (`SYNC_QUEUE` in wrangler.toml), it fans the work out: one
 * message per Redis database, each synced by a queue invocation of its own, with its own CPU
 * time and memory, and retried by Queues if it fails; with a budget and several databases it
 * also chooses the heartbeat interval from their whole audience (a few commands each). Without
 * a queue (a Worker deployed without one) it runs every database in this invocation, one
 * after another ({@link syncOnce}), since the runs would share the isolate's memory; the Node
 * CLI and the Deno cron call syncOnce themselves, several databases at once.
 */
export async function scheduleSync(
  config: Config,
  queue: SyncQueue | undefined,
  nowMs: number,
): Promise<RunReport | { enqueued: number }> {
  if (queue === undefined) return syncOnce(config);
  const databases = Math.max(1, config.redisDatabases.length);
  await queue.sendBatch(
    Array.from({ length: databases }, (_, database) => ({
      body: { database, scheduledAtMs: nowMs },
    })),
  );
  if (databases > 1 && config.hotPathBudgetUsd !== undefined) {
    await chooseIntervalAcrossDatabases(config);
  }
  return { enqueued: databases };
}

/** A queue message's body, checked (anything else is dropped: it is not ours). */
export function parseSyncMessage(body: unknown, databases: number): SyncMessage | undefined {
  const message = body as Partial<SyncMessage> | null;
  const database = message?.database;
  if (typeof database !== "number" || !Number.isInteger(database)) return undefined;
  if (database < 0 || database >= Math.max(1, databases)) return undefined;
  return { database, scheduledAtMs: Number(message?.scheduledAtMs ?? 0) };
}
