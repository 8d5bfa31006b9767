/**
 * Work that one request of an isolate has started and the others should not repeat (a stage's
 * check, a count's refresh, the registry's rebuild), kept as plain state: which key, since when.
 * Never as a promise. workerd forbids a request to wait for a promise another request started:
 * that promise's I/O belongs to the request that started it, and when that request ends first
 * (its client went away, so the runtime cancelled it) the promise never settles and every
 * request waiting for it hangs until the runtime kills it ("Worker's code had hung").
 *
 * So each mark is a lease: it counts as in flight for `leaseMs` after it began at most, and a
 * request that dies holding it (its `end` never runs) blocks nobody for longer. A request that
 * finds a key in flight either waits for it on its own timers ({@link InFlight.waitFor}), then
 * reads what the other left in the isolate's caches, or does its own work; never both forever.
 */
export class InFlight {
  readonly #since = new Map<string, number>();

  /**
   * @param leaseMs How long a mark holds at most (ms): about the work's own deadline.
   * @param waitMs How long {@link InFlight.waitFor} waits by default (ms): the work's usual
   *   duration with room to spare, shorter than the lease, so a request whose holder died
   *   soon gets on with it.
   */
  constructor(
    private readonly leaseMs: number,
    private readonly waitMs: number,
  ) {}

  /** Whether another request is doing `key`'s work (began less than `leaseMs` before nowMs). */
  holds(key: string, nowMs: number): boolean {
    const since = this.#since.get(key);
    if (since === undefined) return false;
    if (nowMs - since >= this.leaseMs) {
      this.#since.delete(key);
      return false;
    }
    return true;
  }

  /** Marks `key` in flight for the caller: true, unless another request holds it (false). */
  begin(key: string, nowMs: number): boolean {
    if (this.holds(key, nowMs)) return false;
    this.#since.set(key, nowMs);
    return true;
  }

  /** Marks `key` in flight for the caller whoever held it (one it waited for in vain). */
  take(key: string, nowMs: number): void {
    this.#since.set(key, nowMs);
  }

  /** The work is done (or failed): others stop waiting and read the result, or do it. */
  end(key: string): void {
    this.#since.delete(key);
  }

  /**
   * Waits on this request's own timers while another request holds `key`, for at most
   * `maxWaitMs` (default `waitMs`), looking again after 2 ms, then 4, 8, ... up to 50 ms
   * between looks. True when the key was released (or never held), false when the wait ran out.
   * `nowMs` is the request's clock, against which leases expire.
   */
  async waitFor(
    key: string,
    nowMs: number,
    { maxWaitMs = this.waitMs }: { maxWaitMs?: number } = {},
  ): Promise<boolean> {
    for (let waitedMs = 0, stepMs = 2; this.holds(key, nowMs); stepMs = Math.min(stepMs * 2, 50)) {
      if (waitedMs >= maxWaitMs) return false;
      await new Promise((resolve) => setTimeout(resolve, stepMs));
      waitedMs += stepMs;
    }
    return true;
  }
}
