/**
 * Per-isolate limit on heartbeats per viewer: a fixed window of one heartbeat interval, at most
 * `maxPerWindow` heartbeats in it (several tabs and a retry or two fit; a loop gone wild does
 * not). It costs no Redis command, and therefore is per isolate: a client spread over many
 * isolates could exceed it, which only costs the operator what the client sends anyway.
 */
export class RateLimiter {
  #windowStartMs = 0;
  readonly #counts = new Map<string, number>();

  constructor(private readonly maxPerWindow = 6) {}

  /** Records a hit; returns 0 when allowed, else the seconds until the window resets. */
  hit(key: string, nowMs: number, windowMs: number): number {
    if (nowMs - this.#windowStartMs >= windowMs) {
      this.#windowStartMs = nowMs;
      this.#counts.clear();
    }
    const count = (this.#counts.get(key) ?? 0) + 1;
    this.#counts.set(key, count);
    if (count <= this.maxPerWindow) return 0;
    return Math.max(1, Math.ceil((this.#windowStartMs + windowMs - nowMs) / 1000));
  }
}
