import { OpenAPIHono } from "@hono/zod-openapi";
import { createDocumentClient, createRedis } from "@viewer-presence/shared/clients";
import { type Config, ConfigError, parseConfig } from "@viewer-presence/shared/config";
import { redisKeys } from "@viewer-presence/shared/redis-keys";
import {
  databaseForStage,
  stageDatabases,
  viewerDatabase,
} from "@viewer-presence/shared/rendezvous";
import type { Stage } from "@viewer-presence/shared/stage";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { buildOpenApiDocument } from "../openapi/document";
import { corsPolicy } from "./cors-policy";
import { docsPage } from "./docs-page";
import type { AppEnv, ClientFactories, Shard } from "./env";
import { registerAnonymousSessionHandlers } from "./handlers/anonymous-sessions.handlers";
import { registerBroadcastHandlers } from "./handlers/broadcasts.handlers";
import { registerCostHandlers } from "./handlers/cost.handlers";
import { registerHealthHandlers } from "./handlers/health.handlers";
import { registerHistoryHandlers } from "./handlers/history.handlers";
import { registerPresenceHandlers } from "./handlers/presence.handlers";
import { registerPresenceSocketHandlers } from "./handlers/presence-socket.handlers";
import { registerStageHandlers } from "./handlers/stages.handlers";
import { registerWatchTimeHandlers } from "./handlers/watch-time.handlers";
import { historyTable } from "./history/history-table";
import { createIsolateCommon } from "./isolate/isolate-common";
import { createIsolateState, type IsolateState } from "./isolate/isolate-state";
import { operatorAuth } from "./operator-auth";
import { currentCadence } from "./presence/current-cadence";
import { HttpProblem, problemResponse, problems, StoreUnavailableError } from "./problems";
import { createRedisGuard } from "./redis-guard";
import { isOptionalBodyOperation } from "./route-roles";
import { stageRegistry } from "./stages/stage-registry";
import { stageTable } from "./stages/stage-table";
import { storeDeadlines } from "./store-deadlines";
import { validationErrors } from "./validation";

export interface AppOptions {
  /** The clock, in epoch ms (tests move it instead of sleeping). */
  now?: () => number;
  clients?: Partial<ClientFactories>;
  /** Where failures that are our fault get logged (default `console.error`). */
  logError?: (message: string, error: unknown) => void;
}

/** Largest body the viewer routes take (a token and an id fit in well under 1 KB). */
export const VIEWER_BODY_LIMIT_BYTES = 4096;
/** Largest body any route takes. */
export const BODY_LIMIT_BYTES = 16_384;

/**
 * Builds the Hono app. State that should outlive a request (isolate caches, parsed
 * configuration) lives in this closure, so each app instance, and each test, starts clean.
 */
export function createApp(options: AppOptions = {}) {
  const now = options.now ?? Date.now;
  const clients: ClientFactories = {
    redis: options.clients?.redis ?? createRedis,
    dynamo: options.clients?.dynamo ?? createDocumentClient,
  };
  const logError = options.logError ?? ((message, error) => console.error(message, error));
  // One isolate-wide part, and one memory per Redis database (created on first use).
  const common = createIsolateCommon();
  const isolates: IsolateState[] = [];
  // A database's guard is made with the first request's configuration (a deployment has one).
  const isolateFor = (database: number, config: Config) => {
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
  const configs = new WeakMap<object, Config>();
  let openApiDocument: string | undefined;

  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw problems.validation(
          validationErrors(result.error, result.target === "json" ? "body" : result.target),
        );
      }
    },
  });

  app.onError((error, c) => {
    if (error instanceof HttpProblem) {
      return problemResponse(c, error.status, error.code, error.title, error.detail, error.extra);
    }
    if (error instanceof StoreUnavailableError) {
      // Redis failures are counted and logged once per interval by their database's guard.
      if (!error.counted) logError(`${error.store} unavailable`, error.cause);
      return problemResponse(
        c,
        503,
        "store_unavailable",
        "Service unavailable",
        `${error.store === "redis" ? "Redis" : "DynamoDB"} did not answer; retry shortly.`,
        { retryAfterSec: error.retryAfterSec },
      );
    }
    if (error instanceof ConfigError) {
      logError("misconfigured", error);
      return problemResponse(c, 503, "misconfigured", "Service misconfigured", error.message, {
        retryAfterSec: 60,
      });
    }
    // Refusals that carry their own response (bearerAuth's, already problem+json).
    if (error instanceof HTTPException && error.res !== undefined) return error.getResponse();
    if (error instanceof HTTPException && error.status === 400) {
      return problemResponse(c, 400, "validation", "Invalid request", error.message, {
        errors: [{ path: "body", message: error.message }],
      });
    }
    if (error instanceof HTTPException && error.status === 415) {
      const problem = problems.unsupportedMediaType(c.req.header("content-type") ?? "");
      return problemResponse(c, 415, problem.code, problem.title, problem.detail);
    }
    logError("unhandled error", error);
    return problemResponse(c, 500, "internal", "Internal error", "Something failed on our side.");
  });

  app.notFound((c) =>
    problemResponse(
      c,
      404,
      "not_found",
      "Not found",
      `No route for ${c.req.method} ${c.req.path}.`,
    ),
  );

  // Browsers may call the viewer-facing routes from the origins in CORS_ORIGINS (default any).
  // Operations that need an operator key answer browsers only on origins listed by name (a
  // console's): a page on any other origin that somehow holds the admin key still cannot use it.
  // What a preflight grants follows every operation of its path (edge/cors-policy.ts).
  app.use(
    "/v1/*",
    corsPolicy((c) => configFor(c.env)),
  );

  const tooLarge = (c: Context) =>
    problemResponse(
      c,
      413,
      "payload_too_large",
      "Payload too large",
      "The request body is too large.",
    );
  const viewerBodyLimit = bodyLimit({ maxSize: VIEWER_BODY_LIMIT_BYTES, onError: tooLarge });
  const bodyLimitOfAny = bodyLimit({ maxSize: BODY_LIMIT_BYTES, onError: tooLarge });
  // Bodies are limited first (4 KB on the viewer routes, 16 KB elsewhere), then checked.
  app.use("*", async (c, next) => {
    if (!isOptionalBodyOperation(c.req.method, c.req.path)) {
      return bodyLimitOfAny(c, async () => {
        // Routes whose body must be JSON answer 415 to anything else, before validation.
        if (c.req.method === "POST" || c.req.method === "PATCH") {
          const type = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase() ?? "";
          if (type !== "application/json") throw problems.unsupportedMediaType(type);
        }
        await next();
      });
    }
    return viewerBodyLimit(c, async () => {
      // The viewer routes' bodies are optional: a JSON request with no body at all (what many
      // generated clients send) is a request without a body, not malformed JSON.
      const type = c.req.header("content-type");
      if (type !== undefined && (await c.req.raw.clone().text()).trim() === "") {
        const headers = new Headers(c.req.raw.headers);
        headers.delete("content-type");
        c.req.raw = new Request(c.req.raw.url, { method: c.req.method, headers });
      }
      await next();
    });
  });

  // The operator routes' keys, as the contract's `security` says (admin, or analytics to read).
  app.use(
    "/v1/*",
    operatorAuth((c) => configFor(c.env)),
  );

  app.use("*", async (c, next) => {
    if (c.req.path === "/openapi.json" || c.req.path === "/docs") return next();
    const config = configFor(c.env);
    const deadlines = storeDeadlines(c.req.method, c.req.path);
    const keys = redisKeys(config.redisKeyPrefix);
    const nowMs = now();
    let dynamo: ReturnType<ClientFactories["dynamo"]> | undefined;
    const lazyDynamo = () => {
      dynamo ??= clients.dynamo(config, deadlines.dynamo);
      return dynamo;
    };
    const lazyStageTable = () =>
      stageTable(lazyDynamo(), config.dynamodbTable, config.redisKeyPrefix);
    // Work that must finish even if the client leaves (the Worker's `waitUntil`); in Node and
    // in-process tests there is no ExecutionContext, and nothing cancels a request there.
    const keepAlive = (work: Promise<unknown>) => {
      let ctx: { waitUntil(work: Promise<unknown>): void } | undefined;
      try {
        ctx = c.executionCtx;
      } catch {
        ctx = undefined;
      }
      ctx?.waitUntil(work.catch(() => undefined));
    };
    const urls = config.redisDatabases.map((database) => database.url);
    const shards = new Map<number, Shard>();
    const shardOf = (database: number): Shard => {
      let shard = shards.get(database);
      if (shard === undefined) {
        const redis = clients.redis(config, deadlines.redis, database);
        const isolate = isolateFor(database, config);
        const registry = stageRegistry({
          redis,
          keys,
          isolate,
          table: lazyStageTable,
          keepAlive,
          nowMs,
          presenceTtlSec: currentCadence(config, isolate, nowMs).presenceTtlSec,
          ...(urls.length > 1
            ? { holds: (stage: Stage) => stageDatabases(urls, stage).includes(database) }
            : {}),
        });
        shard = { database, redis, isolate, registry };
        shards.set(database, shard);
      }
      return shard;
    };
    c.set("services", {
      config,
      nowMs,
      keys,
      shard: (stageId) => shardOf(urls.length > 1 ? databaseForStage(urls, stageId) : 0),
      stageShards: (stage) => stageDatabases(urls, stage).map(shardOf),
      viewerShard: (stage, viewerId) => shardOf(viewerDatabase(urls, stage, viewerId)),
      shards: () => urls.map((_, database) => shardOf(database)),
      stageTable: lazyStageTable,
      dynamo: lazyDynamo,
      historyTable: () => historyTable(lazyDynamo(), config.dynamodbTable),
      logError,
    });
    await next();
  });

  registerPresenceHandlers(app);
  registerPresenceSocketHandlers(app);
  registerAnonymousSessionHandlers(app);
  registerStageHandlers(app);
  registerHistoryHandlers(app);
  registerBroadcastHandlers(app);
  registerWatchTimeHandlers(app);
  registerCostHandlers(app);
  registerHealthHandlers(app);

  app.get("/openapi.json", (c) => {
    openApiDocument ??= JSON.stringify(buildOpenApiDocument());
    return c.body(openApiDocument, 200, { "content-type": "application/json" });
  });
  app.get("/docs", (c) => c.html(docsPage(buildOpenApiDocument(), new URL(c.req.url).origin)));

  function configFor(env: unknown): Config {
    const source = (env ?? {}) as Record<string, unknown>;
    let config = configs.get(source);
    if (config === undefined) {
      config = parseConfig(source);
      configs.set(source, config);
    }
    return config;
  }

  return app;
}

export type App = ReturnType<typeof createApp>;
