/**
 * The longest wait a `Retry-After` may impose, in ms (15 minutes). A larger value (or a date far
 * away) is clamped: it is likelier a misconfiguration than a wish to lose the viewer for hours,
 * and `setTimeout` cannot wait longer than about 24.8 days anyway.
 */
export const MAX_RETRY_AFTER_MS = 15 * 60_000;

const DELAY_SECONDS = /^\s*(\d+)\s*$/;
/** All three HTTP-date forms (IMF-fixdate, RFC 850, asctime) start with a day name. */
const HTTP_DATE_START = /^\s*[A-Za-z]{3}/;

/**
 * Reads a `Retry-After` header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
 *
 * @param value the header value, or `null`/`undefined` when absent
 * @param nowMs the current time in ms since the epoch (used for the HTTP-date form)
 * @returns the wait in ms, clamped to 0…{@link MAX_RETRY_AFTER_MS}; `undefined` when absent or
 *   unreadable
 */
export function parseRetryAfterMs(
  value: string | null | undefined,
  nowMs: number,
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const seconds = DELAY_SECONDS.exec(value);
  if (seconds?.[1] !== undefined) return clamp(Number(seconds[1]) * 1000);
  // `Date.parse` alone would take "-5" or "1.5" for a date.
  const at = HTTP_DATE_START.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at)) return undefined;
  return clamp(at - nowMs);
}

function clamp(ms: number): number {
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}
