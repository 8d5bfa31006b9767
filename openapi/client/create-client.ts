import createClient, { type Client } from "openapi-fetch";
import type { paths } from "../types.gen";
import { adminKeyMiddleware } from "./admin-auth";

/** The `fetch` the client calls: the global one fits, and so does a test double. */
export type FetchLike = (input: Request) => Promise<Response>;

/** The typed client: `client.POST("/v1/stages/{stageId}/heartbeats", …)` returns `{ data, error }`. */
export type PresenceClient = Client<paths>;

export interface PresenceClientOptions {
  /** Where the worker answers, e.g. `https://presence.example.com` (no `/v1`). */
  baseUrl: string;
  /** Defaults to the global `fetch`, bound to `globalThis` and read when the client is made. */
  fetch?: FetchLike;
  /**
   * The operator's `ADMIN_API_KEY`, for backends only (never ship it to a browser). When set,
   * it is sent as `Authorization: Bearer` on the admin operations (`ADMIN_OPERATIONS`: stages,
   * viewer tokens, snapshots, viewing records) and on nothing else. Without it, pass
   * `headers: { Authorization }` per call.
   */
  adminKey?: string;
}

/**
 * Creates the typed client for the presence API (openapi-fetch over the generated `paths`).
 * No request is made and no global is touched until a method is called.
 */
export function createPresenceClient(options: PresenceClientOptions): PresenceClient {
  if (options.adminKey === "") throw new TypeError("adminKey must not be empty");
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    fetch: options.fetch ?? globalFetch(),
  });
  if (options.adminKey !== undefined) client.use(adminKeyMiddleware(options.adminKey));
  return client;
}

/** The global `fetch`, bound so that browsers do not throw "Illegal invocation". */
export function globalFetch(): FetchLike {
  if (typeof globalThis.fetch !== "function") {
    throw new TypeError("No global fetch in this runtime: pass `fetch` in the options");
  }
  return globalThis.fetch.bind(globalThis);
}
