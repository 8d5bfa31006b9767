/**
 * Per-isolate limit on hits per key: a fixed window (one heartbeat interval, as its callers pass
 * it), at most `maxPerWindow` hits in it unless a caller asks for another limit for its keys
 * (several tabs and a retry or two fit; a loop gone wild does not). It costs no Redis command,
 * and therefore is per isolate: a client spread over many isolates could exceed it, which only
 * costs the operator what the client sends anyway.
 */
export class RateLimiter {
  #windowStartMs = 0;
  readonly #counts = new Map<string, number>();

  constructor(private readonly maxPerWindow = 6) {}

  /**
   * Records a hit; returns 0 when allowed, else the seconds until the window resets. `limit`:
   * this key's most hits a window, when its kind of key needs another than the limiter's.
   */
  hit(key: string, nowMs: number, windowMs: number, limit = this.maxPerWindow): number {
    if (nowMs - this.#windowStartMs >= windowMs) {
      this.#windowStartMs = nowMs;
      this.#counts.clear();
    }
    const count = (this.#counts.get(key) ?? 0) + 1;
    this.#counts.set(key, count);
    if (count <= limit) return 0;
    return Math.max(1, Math.ceil((this.#windowStartMs + windowMs - nowMs) / 1000));
  }
}
