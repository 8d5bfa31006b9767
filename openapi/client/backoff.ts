/** The first backoff window when the server gave no `Retry-After`, in ms. */
export const BACKOFF_BASE_MS = 2_000;
/** The widest backoff window, in ms: failures in a row stop growing the wait past this. */
export const BACKOFF_CAP_MS = 60_000;

export interface BackoffOptions {
  /** Failures in a row before this one: 0 for the first failure. */
  attempt: number;
  /** The server's `Retry-After`, in ms, when it sent one. */
  retryAfterMs?: number | undefined;
  /** A uniform random number in [0, 1). */
  random: () => number;
  /** Defaults to {@link BACKOFF_BASE_MS}. */
  baseMs?: number;
  /** Defaults to {@link BACKOFF_CAP_MS}. */
  capMs?: number;
}

/**
 * How long to wait before retrying a failed heartbeat, in ms: exponential backoff with full
 * jitter, never shorter than the server's `Retry-After`.
 *
 * `delay = retryAfter + random × min(cap, base × 2^attempt)`, where `base` is the larger of
 * `Retry-After` and 2 s. The jitter goes on top of `Retry-After` rather than under it, so that
 * viewers refused together (a 429 or 503 burst) do not all come back at the same instant; and a
 * `Retry-After` below 2 s (even 0) still gets the 2 s window, growing with each failure.
 */
export function backoffDelayMs(options: BackoffOptions): number {
  const baseMs = options.baseMs ?? BACKOFF_BASE_MS;
  const capMs = options.capMs ?? BACKOFF_CAP_MS;
  const floorMs = options.retryAfterMs ?? 0;
  const windowBaseMs = Math.max(baseMs, floorMs);
  // 2^30 already exceeds any cap; stopping there keeps the arithmetic finite.
  const exponent = Math.min(Math.max(0, options.attempt), 30);
  const windowMs = Math.min(capMs, windowBaseMs * 2 ** exponent);
  return Math.round(floorMs + options.random() * windowMs);
}
