/**
 * A small in-memory cache whose entries expire, bounded in size. A Worker isolate lives for
 * many requests, so this is how the edge avoids a Redis command for what it asked seconds ago.
 */
export declare class TtlCache<V> {
    #private;
    private readonly ttlMs;
    private readonly maxEntries;
    constructor(ttlMs: number, maxEntries?: number);
    /** The value, or `undefined` when absent or expired at `nowMs`. */
    get(key: string, nowMs: number): V | undefined;
    /** The value and how long ago it was set (ms), or `undefined` when absent or expired. */
    getWithAge(key: string, nowMs: number): {
        value: V;
        ageMs: number;
    } | undefined;
    set(key: string, value: V, nowMs: number, ttlMs?: number): void;
    delete(key: string): void;
    clear(): void;
}
