/**
 * A small in-memory cache whose entries expire, bounded in size. A Worker isolate lives for
 * many requests, so this is how the edge avoids a Redis command for what it asked seconds ago.
 */
export class TtlCache {
    ttlMs;
    maxEntries;
    #entries = new Map();
    constructor(ttlMs, maxEntries = 10_000) {
        this.ttlMs = ttlMs;
        this.maxEntries = maxEntries;
    }
    /** The value, or `undefined` when absent or expired at `nowMs`. */
    get(key, nowMs) {
        return this.getWithAge(key, nowMs)?.value;
    }
    /** The value and how long ago it was set (ms), or `undefined` when absent or expired. */
    getWithAge(key, nowMs) {
        const entry = this.#entries.get(key);
        if (entry === undefined)
            return undefined;
        if (entry.expiresAtMs <= nowMs) {
            this.#entries.delete(key);
            return undefined;
        }
        return { value: entry.value, ageMs: nowMs - entry.setAtMs };
    }
    set(key, value, nowMs, ttlMs = this.ttlMs) {
        // Oldest entries go first (a Map iterates in insertion order); re-setting moves a key last.
        this.#entries.delete(key);
        if (this.#entries.size >= this.maxEntries) {
            const oldest = this.#entries.keys().next().value;
            if (oldest !== undefined)
                this.#entries.delete(oldest);
        }
        this.#entries.set(key, { value, expiresAtMs: nowMs + ttlMs, setAtMs: nowMs });
    }
    delete(key) {
        this.#entries.delete(key);
    }
    clear() {
        this.#entries.clear();
    }
}
