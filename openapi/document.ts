import { OpenAPIHono } from "@hono/zod-openapi";
import { describeRequestDefaults } from "./request-defaults";
import { contractRoutes } from "./routes";
import { SocketClientMessageSchema, SocketServerMessageSchema } from "./schemas/presence-socket";

export const API_VERSION = "0.1.0";

/**
 * Builds the OpenAPI 3.1 document from the route definitions alone (no server, no handlers),
 * with every object's keys sorted so the committed file diffs cleanly, and request bodies'
 * defaults stated in prose (./request-defaults.ts says why).
 */
export function buildOpenApiDocument(): Record<string, unknown> {
  const app = new OpenAPIHono();
  const registry = app.openAPIRegistry;
  registry.registerComponent("securitySchemes", "adminKey", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "API key",
    description:
      "The operator's `ADMIN_API_KEY` (`Authorization: Bearer <key>`), for the operator's back office only: never in a browser. Send it on admin operations only: on the viewer routes any bearer credential is read as a viewer token.",
  });
  registry.registerComponent("securitySchemes", "analyticsKey", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "API key",
    description:
      "The deployment's `ANALYTICS_API_KEY` (`Authorization: Bearer <key>`): reads history and totals, changes nothing. For dashboards and analysts who must not create, end or reopen stages, nor issue viewer tokens. The admin key is accepted wherever this one is.",
  });
  registry.registerComponent("securitySchemes", "viewerToken", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description:
      "A viewer token (`Authorization: Bearer <JWT>`: HS256, bound to one stage, short-lived) from `issueViewerToken`, `signViewerToken` in your backend, or `startAnonymousSession`. For the viewer routes only.",
  });
  for (const route of contractRoutes) registry.registerPath(route);
  // The presence socket's messages (openPresenceSocket): no operation's body names them, so they
  // are registered here, with the message schemas they are unions of, for generators to emit.
  registry.register("SocketClientMessage", SocketClientMessageSchema);
  registry.register("SocketServerMessage", SocketServerMessageSchema);
  const document = app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "Viewer presence API",
      version: API_VERSION,
      description:
        "Live viewer counts for live-stream stages. Players send a heartbeat every `nextHeartbeatInMs`; the service keeps presence in Redis and history in DynamoDB. Errors are `application/problem+json` (RFC 9457). Your deployment's `host` is where `wrangler deploy` put the worker (its workers.dev host), or your custom domain.",
      license: { name: "MIT", url: "https://opensource.org/license/mit" },
    },
    servers: [
      // Short descriptions and variable names: generators build identifiers from them
      // (oazapfts' `servers.yourDeployment({ host })`, orval's `baseUrl.variables.host`).
      {
        url: "https://{host}",
        description: "Your deployment",
        // No `description` on the variable: the OpenAPI 3.1 schema that swagger-parser (and the
        // generators built on it) validates against misspells it, and refuses it. info says it.
        variables: { host: { default: "viewer-presence.example.workers.dev" } },
      },
      { url: "http://127.0.0.1:8787", description: "Local stack" },
    ],
    tags: [
      { name: "Presence", description: "Heartbeats, leaves and live counts." },
      { name: "Stages", description: "Stage configuration and viewer tokens." },
      { name: "History", description: "Snapshots and viewing records, from DynamoDB." },
      { name: "Cost", description: "The cost model: what this system and its alternatives cost." },
      { name: "Operations", description: "Health." },
    ],
  });
  return describeRequestDefaults(sortKeys(document) as Record<string, unknown>);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, inner]) => [key, sortKeys(inner)]),
    );
  }
  return value;
}
