import type { Timers } from "../environment";

interface Task {
  id: number;
  at: number;
  callback: () => void;
}

/**
 * A tiny manual scheduler for tests: `setTimeout` queues, `advance(ms)` runs what comes due in
 * time order, letting promises settle after each callback. Test-only; never exported.
 */
export class FakeClock implements Timers {
  nowMs = 1_700_000_000_000;
  private nextId = 1;
  private tasks: Task[] = [];

  readonly now = (): number => this.nowMs;

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.tasks.push({ id, at: this.nowMs + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.tasks = this.tasks.filter((task) => task.id !== handle);
  }

  /** The delays, in ms from now, of the timers still pending, soonest first. */
  pendingDelays(): number[] {
    return this.tasks.map((task) => task.at - this.nowMs).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, running each timer that comes due, then lets promises settle. */
  async advance(ms: number): Promise<void> {
    const until = this.nowMs + ms;
    for (;;) {
      const next = this.tasks
        .filter((task) => task.at <= until)
        .sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (next === undefined) break;
      this.tasks = this.tasks.filter((task) => task !== next);
      this.nowMs = next.at;
      next.callback();
      await settle();
    }
    this.nowMs = until;
    await settle();
  }
}

/** Lets pending promise chains (fake fetches, body parsing) run to completion. */
export async function settle(): Promise<void> {
  for (let round = 0; round < 10; round++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
