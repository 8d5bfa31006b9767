/**
 * The Worker entry: `fetch` serves the API; `scheduled` runs on the cron in wrangler.toml.
 */
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

  scheduled(controller: ScheduledController, _env: Bindings, ctx: ExecutionContext): void {
    // The sync job (snapshots, viewing records) arrives with its own issue; until then the
    // trigger is acknowledged so the cron wiring can be deployed and tested.
    ctx.waitUntil(
      Promise.resolve().then(() =>
        console.log(
          JSON.stringify({ event: "scheduled", cron: controller.cron, sync: "not built yet" }),
        ),
      ),
    );
  },
};
