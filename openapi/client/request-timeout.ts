import type { Timers } from "./environment";

/** An `AbortSignal` that fires after a delay, and the way to call it off. */
export interface Deadline {
  signal: AbortSignal;
  cancel(): void;
}

/**
 * Starts a deadline of `timeoutMs` ms: the signal aborts with a `TimeoutError`, so a request
 * that hangs (a dead connection, a stalled proxy) cannot hold the loop, or `stop()`, forever.
 */
export function startDeadline(timers: Timers, timeoutMs: number): Deadline {
  const controller = new AbortController();
  const handle = timers.setTimeout(
    () => controller.abort(new DOMException(`No answer within ${timeoutMs} ms`, "TimeoutError")),
    timeoutMs,
  );
  return { signal: controller.signal, cancel: () => timers.clearTimeout(handle) };
}

/** Runs `request` under a deadline of `timeoutMs` ms, cancelled once it settles. */
export async function withTimeout<T>(
  timers: Timers,
  timeoutMs: number,
  request: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const deadline = startDeadline(timers, timeoutMs);
  try {
    return await request(deadline.signal);
  } finally {
    deadline.cancel();
  }
}
