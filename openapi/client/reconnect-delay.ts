import { backoffDelayMs } from "./backoff";

/**
 * The window the first reconnect after a deploy is spread over, by default, in ms. A deploy
 * closes every socket at once; a shard holds up to 10,000 of them, and a Durable Object takes
 * about 1,000 requests/s: over 30 s that is about 333 reconnects a second into one shard (the
 * cost model's limit check, cost/websocket-shards.ts, assumes the same window).
 */
export const DEFAULT_RECONNECT_SPREAD_MS = 30_000;
/** How long a page that fell back to HTTP stays there before trying the socket again, in ms. */
export const DEFAULT_SOCKET_RETRY_MS = 5 * 60_000;

export interface ReconnectDelayOptions {
  /** Failed connections since the last count: 0 for the first reconnect. */
  attempt: number;
  /** The socket closed because the server went away (1001, 1006, 1012: a deploy, a restart). */
  serverWentAway: boolean;
  /** {@link DEFAULT_RECONNECT_SPREAD_MS} unless the caller chose another window. */
  spreadMs: number;
  /** A uniform random number in [0, 1). */
  random: () => number;
}

/**
 * How long to wait before opening the socket again, in ms. The first reconnect after the server
 * went away waits `random × spreadMs`: a deploy closes every socket at once, and 10,000 pages
 * coming back in the same second would meet the new version with 10,000 upgrades (uniform over
 * 10 s: about 1,000 a second). Every other reconnect, and any after a failed one, backs off with
 * full jitter as a refused heartbeat does (`backoffDelayMs`: 2 s doubling to 60 s).
 */
export function reconnectDelayMs(options: ReconnectDelayOptions): number {
  if (options.serverWentAway && options.attempt === 0) {
    return Math.round(options.random() * options.spreadMs);
  }
  return backoffDelayMs({ attempt: options.attempt, random: options.random });
}

/**
 * How long a page stays on HTTP heartbeats before trying the socket again, in ms: `retryMs`
 * times a random factor in [0.5, 1.5), so pages that fell back together (a proxy restart, an
 * edge outage) do not all try again together.
 */
export function socketRetryDelayMs(retryMs: number, random: () => number): number {
  return Math.round(retryMs * (0.5 + random()));
}
