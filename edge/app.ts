import { OpenAPIHono } from "@hono/zod-openapi";
import { createDocumentClient, createRedis } from "@viewer-presence/shared/clients";
import { type Config, parseConfig } from "@viewer-presence/shared/config";
import { buildOpenApiDocument } from "../openapi/document";
import { bodyChecks } from "./body-checks";
import { corsPolicy } from "./cors-policy";
import { docsPage } from "./docs-page";
import type { AppEnv, ClientFactories } from "./env";
import { notFoundProblem, problemOnError, validationHook } from "./error-responses";
import { registerAnonymousSessionHandlers } from "./handlers/anonymous-sessions.handlers";
import { registerBroadcastHandlers } from "./handlers/broadcasts.handlers";
import { registerCostHandlers } from "./handlers/cost.handlers";
import { registerHealthHandlers } from "./handlers/health.handlers";
import { registerHistoryHandlers } from "./handlers/history.handlers";
import { registerPresenceHandlers } from "./handlers/presence.handlers";
import { registerPresenceSocketHandlers } from "./handlers/presence-socket.handlers";
import { registerStageHandlers } from "./handlers/stages.handlers";
import { registerWatchTimeHandlers } from "./handlers/watch-time.handlers";
import { createIsolateCommon } from "./isolate/isolate-common";
import { createIsolateState, type IsolateState } from "./isolate/isolate-state";
import { operatorAuth } from "./operator-auth";
import { createRedisGuard } from "./redis-guard";
import { requestServices, type ServiceDeps } from "./request-services";

export interface AppOptions {
  /** The clock, in epoch ms (tests move it instead of sleeping). */
  now?: () => number;
  clients?: Partial<ClientFactories>;
  /** Where failures that are our fault get logged (default `console.error`). */
  logError?: (message: string, error: unknown) => void;
}

/**
 * Builds the Hono app. State that should outlive a request (isolate caches, parsed
 * configuration) lives in this closure, so each app instance, and each test, starts clean.
 */
export function createApp(options: AppOptions = {}) {
  const now = options.now ?? Date.now;
  const logError = options.logError ?? ((message, error) => console.error(message, error));
  const deps: ServiceDeps = {
    now,
    clients: {
      redis: options.clients?.redis ?? createRedis,
      dynamo: options.clients?.dynamo ?? createDocumentClient,
    },
    logError,
    configFor: configCache(),
    isolateFor: isolatesByDatabase(now, logError),
  };
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.onError(problemOnError(logError));
  app.notFound(notFoundProblem);
  useMiddleware(app, deps);
  registerRoutes(app);
  registerDocs(app);
  return app;
}

/** The middleware every request passes, in this order. */
function useMiddleware(app: OpenAPIHono<AppEnv>, deps: ServiceDeps): void {
  // Browsers may call the viewer-facing routes from the origins in CORS_ORIGINS (default any).
  // Operations that need an operator key answer browsers only on origins listed by name (a
  // console's): a page on any other origin that somehow holds the admin key still cannot use it.
  // What a preflight grants follows every operation of its path (edge/cors-policy.ts).
  app.use(
    "/v1/*",
    corsPolicy((c) => deps.configFor(c.env)),
  );
  // Bodies are limited first (4 KB on the viewer routes, 16 KB elsewhere), then checked.
  app.use("*", bodyChecks());
  // The operator routes' keys, as the contract's `security` says (admin, or analytics to read).
  app.use(
    "/v1/*",
    operatorAuth((c) => deps.configFor(c.env)),
  );
  app.use("*", requestServices(deps));
}

/** The contract's routes, one group a resource. */
function registerRoutes(app: OpenAPIHono<AppEnv>): void {
  registerPresenceHandlers(app);
  registerPresenceSocketHandlers(app);
  registerAnonymousSessionHandlers(app);
  registerStageHandlers(app);
  registerHistoryHandlers(app);
  registerBroadcastHandlers(app);
  registerWatchTimeHandlers(app);
  registerCostHandlers(app);
  registerHealthHandlers(app);
}

/** The contract itself (built once an app) and its reference page. */
function registerDocs(app: OpenAPIHono<AppEnv>): void {
  let openApiDocument: string | undefined;
  app.get("/openapi.json", (c) => {
    openApiDocument ??= JSON.stringify(buildOpenApiDocument());
    return c.body(openApiDocument, 200, { "content-type": "application/json" });
  });
  app.get("/docs", (c) => c.html(docsPage(buildOpenApiDocument(), new URL(c.req.url).origin)));
}

/** The configuration of a bindings object, parsed on its first request. */
function configCache(): (env: unknown) => Config {
  const configs = new WeakMap<object, Config>();
  return (env) => {
    const source = (env ?? {}) as Record<string, unknown>;
    let config = configs.get(source);
    if (config === undefined) {
      config = parseConfig(source);
      configs.set(source, config);
    }
    return config;
  };
}

/**
 * One isolate-wide part, and one memory per Redis database (created on first use). A
 * database's guard is made with the first request's configuration (a deployment has one).
 */
function isolatesByDatabase(
  now: () => number,
  logError: (message: string, error: unknown) => void,
): (database: number, config: Config) => IsolateState {
  const common = createIsolateCommon();
  const isolates: IsolateState[] = [];
  return (database, config) => {
    isolates[database] ??= createIsolateState(
      common,
      createRedisGuard({
        database,
        now,
        shedLoad: config.redisLoadShedding,
        commandsPerSec: config.redisCommandsPerSec[database],
        log: (summary) => logError("redis unavailable", summary),
      }),
    );
    return isolates[database]!;
  };
}

export type App = ReturnType<typeof createApp>;
