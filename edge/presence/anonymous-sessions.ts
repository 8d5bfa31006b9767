import { RateLimiter } from "./rate-limiter";

/** How long an anonymous session's token is valid, in s: renewing it keeps the viewer id. */
export const ANONYMOUS_SESSION_TTL_SEC = 600;
/** How long after expiry a session's token may still renew it, in ms (a laptop that slept). */
export const ANONYMOUS_RENEWAL_GRACE_MS = 86_400_000;
/**
 * Sessions started or renewed per client IP per limiter period. The Worker's limit is the Rate
 * Limiting binding's, set in wrangler.toml (`[[ratelimits]]`, keep the two equal); this figure
 * is the fallback outside Workers.
 */
export const ANONYMOUS_SESSIONS_PER_PERIOD = 10;
/** The limiter's period, in s: a fixed window, as the binding's `period` (10 or 60) counts. */
export const ANONYMOUS_SESSION_PERIOD_SEC = 60;

/**
 * The most anonymous viewers one client address can keep counted at once, for a presence TTL in
 * s (default 120): 130. A viewer counts at T only if it sent a heartbeat in the last TTL, with a
 * token still valid then, so only sessions started in the last token lifetime + TTL (720 s) can
 * count. A fixed-window limiter lets its whole limit through in every period that span touches,
 * and a span of L s touches ⌈L / period⌉ + 1 periods when a burst comes at the very end of the
 * first and another at the start of the last: 10 x (⌈720 / 60⌉ + 1) = 130, not 10 x 10.
 * Renewals count against the same limit and add no viewer, so they cannot raise it. Measured
 * by test/in-process/anonymous-sessions.test.ts. Per Cloudflare location, with the binding.
 */
export function maxAnonymousViewersPerAddress(presenceTtlSec: number): number {
  const spanSec = ANONYMOUS_SESSION_TTL_SEC + presenceTtlSec;
  return ANONYMOUS_SESSIONS_PER_PERIOD * (Math.ceil(spanSec / ANONYMOUS_SESSION_PERIOD_SEC) + 1);
}

/** Cloudflare's Rate Limiting binding (`env.ANONYMOUS_SESSIONS`), as the runtime provides it. */
export interface RateLimitBinding {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

function isRateLimitBinding(value: unknown): value is RateLimitBinding {
  return typeof (value as RateLimitBinding | undefined)?.limit === "function";
}

/**
 * Whether a client may start (or renew) one more anonymous session now. In Workers: the Rate
 * Limiting binding, counted per Cloudflare location (approximate, and free of Redis commands).
 * Elsewhere (Node, tests): a per-process limiter with the same numbers.
 */
export function anonymousSessionGate(binding: unknown, fallback: RateLimiter) {
  return async (clientKey: string, nowMs: number): Promise<boolean> => {
    if (isRateLimitBinding(binding)) return (await binding.limit({ key: clientKey })).success;
    return fallback.hit(clientKey, nowMs, ANONYMOUS_SESSION_PERIOD_SEC * 1000) === 0;
  };
}

export function createFallbackSessionLimiter(): RateLimiter {
  return new RateLimiter(ANONYMOUS_SESSIONS_PER_PERIOD);
}
