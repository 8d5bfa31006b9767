/**
 * When a viewer token (a JWT) expires, in epoch ms, read from its `exp` claim without verifying
 * it (the client only needs to know when to renew; the server verifies). `undefined` for a token
 * that is not a JWT or has no numeric `exp`.
 */
export function tokenExpiresAtMs(token: string): number | undefined {
  const payload = token.split(".")[1];
  if (payload === undefined || payload === "") return undefined;
  try {
    const base64 = payload.replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
    const claims: unknown = JSON.parse(atob(padded));
    if (typeof claims !== "object" || claims === null) return undefined;
    const exp = (claims as { exp?: unknown }).exp;
    return typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** Renew this long before a token expires, in ms, so no heartbeat or socket carries a dead one. */
export const RENEW_BEFORE_EXPIRY_MS = 60_000;
/** Never renew sooner than this after the last renewal, in ms: a short-lived token cannot spin. */
export const MIN_RENEW_INTERVAL_MS = 5_000;

/** When to renew a token that expires at `expiresAtMs`, in ms from `nowMs`. */
export function renewInMs(expiresAtMs: number, nowMs: number): number {
  return Math.max(MIN_RENEW_INTERVAL_MS, expiresAtMs - RENEW_BEFORE_EXPIRY_MS - nowMs);
}
