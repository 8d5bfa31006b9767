import type { Timers } from "./environment";

/**
 * Runs `request` with an `AbortSignal` that fires after `timeoutMs` ms, so a request that hangs
 * (a dead connection, a stalled proxy) cannot hold the loop, or `stop()`, forever.
 */
export async function withTimeout<T>(
  timers: Timers,
  timeoutMs: number,
  request: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const handle = timers.setTimeout(
    () => controller.abort(new DOMException(`No answer within ${timeoutMs} ms`, "TimeoutError")),
    timeoutMs,
  );
  try {
    return await request(controller.signal);
  } finally {
    timers.clearTimeout(handle);
  }
}
