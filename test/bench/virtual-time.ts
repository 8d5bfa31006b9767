import type { Timers } from "@viewer-presence/client";

interface Task {
  at: number;
  seq: number;
  callback: () => void;
}

/**
 * Virtual time for simulations: heartbeat loops schedule their timers here, the app reads the
 * same clock, and `runFor` jumps from one due timer to the next, waiting for the real I/O those
 * callbacks start (requests to the local stack) before moving on. Ten minutes of an audience
 * take seconds.
 */
export class VirtualTime implements Timers {
  nowMs: number;
  #tasks: Task[] = [];
  #seq = 0;
  readonly #pending = new Set<Promise<unknown>>();

  constructor(startMs: number) {
    this.nowMs = startMs;
  }

  readonly now = (): number => this.nowMs;

  setTimeout(callback: () => void, ms: number): unknown {
    const task = { at: this.nowMs + Math.max(0, ms), seq: this.#seq++, callback };
    this.#tasks.push(task);
    return task;
  }

  clearTimeout(handle: unknown): void {
    this.#tasks = this.#tasks.filter((task) => task !== handle);
  }

  /** Wraps a promise of real work so that time does not move on before it settles. */
  track<T>(promise: Promise<T>): Promise<T> {
    this.#pending.add(promise);
    promise.finally(() => this.#pending.delete(promise)).catch(() => {});
    return promise;
  }

  /** Waits until no tracked work is pending (work may start more work). */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) {
      await Promise.allSettled([...this.#pending]);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Runs every timer due within `ms` from now, in time order, then sets the clock to the end. */
  async runFor(ms: number): Promise<void> {
    const until = this.nowMs + ms;
    await this.idle();
    for (;;) {
      this.#tasks.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const first = this.#tasks[0];
      if (first === undefined || first.at > until) break;
      this.nowMs = first.at;
      // Everything due at this moment runs before the I/O it starts is awaited.
      const due = this.#tasks.filter((task) => task.at === first.at);
      this.#tasks = this.#tasks.filter((task) => task.at !== first.at);
      for (const task of due) task.callback();
      await new Promise((resolve) => setImmediate(resolve));
      await this.idle();
    }
    this.nowMs = until;
  }
}
