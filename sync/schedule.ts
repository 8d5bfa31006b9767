/** The timer functions the loop uses; tests pass fakes and move time themselves. */
export interface ScheduleTimers {
  /** Epoch ms. */
  now(): number;
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemScheduleTimers: ScheduleTimers = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface ScheduleOptions {
  /** Time between runs, in ms. */
  periodMs: number;
  /** One run; a rejection goes to `onError` and the loop carries on. */
  run: () => Promise<unknown>;
  /**
   * Runs land this long after each multiple of the period (epoch-aligned), in ms (default 0).
   * The sync job passes a little more than its close grace, so each run finds the window
   * that has just closed.
   */
  offsetMs?: number;
  onError?: (error: unknown) => void;
  timers?: ScheduleTimers;
}

export interface Schedule {
  /**
   * Stops scheduling; resolves once the run in flight, if any, has finished. Idempotent.
   */
  stop(): Promise<void>;
  /** Resolves when the loop has stopped. */
  readonly done: Promise<void>;
}

/** Delay from `nowMs` to the next run: the next multiple of `periodMs` plus `offsetMs`, in ms. */
export function nextRunDelayMs(nowMs: number, periodMs: number, offsetMs = 0): number {
  const next = (Math.floor((nowMs - offsetMs) / periodMs) + 1) * periodMs + offsetMs;
  return next - nowMs;
}

/**
 * Runs `run` at once, then at every period boundary (plus offset) until stopped. Runs never
 * overlap: one that outlasts the period makes the loop skip to the next boundary after it.
 */
export function runEvery(options: ScheduleOptions): Schedule {
  const timers = options.timers ?? systemScheduleTimers;
  const onError = options.onError ?? ((error: unknown) => console.error(error));
  let stopped = false;
  let timer: unknown;
  let inFlight = false;
  let markDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    markDone = resolve;
  });

  const tick = async () => {
    timer = undefined;
    if (stopped) return;
    inFlight = true;
    try {
      await options.run();
    } catch (error) {
      onError(error);
    }
    inFlight = false;
    if (stopped) {
      markDone();
      return;
    }
    timer = timers.setTimeout(
      () => void tick(),
      nextRunDelayMs(timers.now(), options.periodMs, options.offsetMs ?? 0),
    );
  };
  void tick();

  return {
    done,
    stop() {
      if (!stopped) {
        stopped = true;
        if (timer !== undefined) timers.clearTimeout(timer);
        timer = undefined;
        if (!inFlight) markDone();
      }
      return done;
    },
  };
}
