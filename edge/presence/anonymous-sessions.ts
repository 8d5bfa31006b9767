import { RateLimiter } from "./rate-limiter";

/** How long an anonymous session's token is valid, in s: renewing it keeps the viewer id. */
export const ANONYMOUS_SESSION_TTL_SEC = 600;
/** How long after expiry a session's token may still renew it, in ms (a laptop that slept). */
export const ANONYMOUS_RENEWAL_GRACE_MS = 86_400_000;
/**
 * Sessions started or renewed per client IP per minute. The Worker's limit is the Rate Limiting
 * binding's, set in wrangler.toml (`[[ratelimits]]`, keep the two equal); this figure is the
 * fallback outside Workers. With it one address keeps at most this x the token lifetime in
 * minutes anonymous viewers counted: 10 x 10 = 100.
 */
export const ANONYMOUS_SESSIONS_PER_MINUTE = 10;

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
    return fallback.hit(clientKey, nowMs, 60_000) === 0;
  };
}

export function createFallbackSessionLimiter(): RateLimiter {
  return new RateLimiter(ANONYMOUS_SESSIONS_PER_MINUTE);
}
