/**
 * The Worker entry: `fetch` serves the API; `scheduled` starts the sync job on the cron in
 * wrangler.toml, fanning it out on the `SYNC_QUEUE` queue (one message per Redis database) when
 * that is bound; `queue` runs those messages.
 */
import { parseConfig } from "@viewer-presence/shared/config";
import { parseSyncMessage, type SyncQueue, scheduleSync, syncOnce } from "../sync";
import { createApp } from "./app";
import type { Bindings } from "./env";
import type { ExecutionContext, MessageBatch, ScheduledController } from "./worker-types";

/** The presence sockets' Durable Object (wrangler.toml `PRESENCE_SHARDS`). */
export { PresenceShard } from "./presence-shard";

// One app per isolate, made on the first request rather than at import: its caches are what
// spare Redis a command per heartbeat, so they must outlive a request.
let app: ReturnType<typeof createApp> | undefined;

export default {
  fetch(request: Request, env: Bindings, ctx: ExecutionContext): Response | Promise<Response> {
    app ??= createApp();
    return app.fetch(request, env, ctx);
  },

  scheduled(_controller: ScheduledController, env: Bindings, ctx: ExecutionContext): void {
    // Under waitUntil so the run may outlive the handler; a failed run (SyncRunError, or a bad
    // configuration) rejects, and the cron invocation is marked failed. Its report is logged
    // as one JSON line either way.
    const queue = env.SYNC_QUEUE as SyncQueue | undefined;
    ctx.waitUntil(Promise.resolve().then(() => scheduleSync(parseConfig(env), queue, Date.now())));
  },

  async queue(batch: MessageBatch, env: Bindings): Promise<void> {
    // One database's run per message (max_batch_size = 1). A failed run throws, and Queues
    // delivers the message again (max_retries); the run's lock keeps two from overlapping.
    const config = parseConfig(env);
    for (const message of batch.messages) {
      const work = parseSyncMessage(message.body, config.redisDatabases.length);
      if (work !== undefined) await syncOnce(config, { databases: [work.database] });
      message.ack();
    }
  },
};
