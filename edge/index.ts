/**
 * The Worker entry: `fetch` serves the API; `scheduled` runs the sync job on the cron in
 * wrangler.toml.
 */
import { parseConfig } from "../shared/config";
import { syncOnce } from "../sync";
import { createApp } from "./app";
import type { Bindings } from "./env";
import type { ExecutionContext, ScheduledController } from "./worker-types";

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
    ctx.waitUntil(Promise.resolve().then(() => syncOnce(parseConfig(env))));
  },
};
