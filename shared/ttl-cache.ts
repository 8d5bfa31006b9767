/**
 * A small in-memory cache whose entries expire, bounded in size. A Worker isolate lives for
 * many requests, so this is how the edge avoids a Redis command for what it asked seconds ago.
 */
export class TtlCache<V> {
  readonly #entries = new Map<string, { value: V; expiresAtMs: number; setAtMs: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  /** The value, or `undefined` when absent or expired at `nowMs`. */
  get(key: string, nowMs: number): V | undefined {
    return this.getWithAge(key, nowMs)?.value;
  }

  /** The value and how long ago it was set (ms), or `undefined` when absent or expired. */
  getWithAge(key: string, nowMs: number): { value: V; ageMs: number } | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAtMs <= nowMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return { value: entry.value, ageMs: nowMs - entry.setAtMs };
  }

  set(key: string, value: V, nowMs: number, ttlMs = this.ttlMs): void {
    // Oldest entries go first (a Map iterates in insertion order); re-setting moves a key last.
    this.#entries.delete(key);
    if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(key, { value, expiresAtMs: nowMs + ttlMs, setAtMs: nowMs });
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}
