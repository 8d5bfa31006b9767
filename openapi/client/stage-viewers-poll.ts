import { backoffDelayMs } from "./backoff";
import type { PresenceClient } from "./create-client";
import type { Host } from "./environment";
import { MAX_TIMER_MS } from "./heartbeat-loop-options";
import {
  type AnyProblem,
  isRetryableStatus,
  type LoopProblem,
  networkProblem,
  problemFromResponse,
} from "./loop-problem";
import { withTimeout } from "./request-timeout";
import { parseRetryAfterMs } from "./retry-after";
import type { StageViewers } from "./types";

/** The default poll interval, in ms. */
export const DEFAULT_POLL_EVERY_MS = 15_000;
/** The shortest poll interval, in ms: polling faster costs a request each time for little. */
export const MIN_POLL_EVERY_MS = 10_000;

export interface StageViewersPollOptions {
  client: PresenceClient;
  stageId: string;
  host: Host;
  /** Raised to {@link MIN_POLL_EVERY_MS}. */
  pollEveryMs: number;
  timeoutMs: number;
  onCount(viewers: StageViewers): void;
  report(problem: LoopProblem): void;
  /** Called once if polling stops on its own: a refusal that retrying cannot fix (404, 403, 410). */
  ended(): void;
}

/**
 * Reads `getStageViewers` now and then every `pollEveryMs`, or the answer's `Cache-Control`
 * max-age if longer (a fresher read would get the cached answer), times a random 1-1.5 so
 * watchers do not poll in step. Failures back off as heartbeats do; a refusal that retrying
 * cannot fix stops it. Returns the function that stops it.
 */
export function pollStageViewers(options: StageViewersPollOptions): () => void {
  const { host } = options;
  const everyMs = Math.max(MIN_POLL_EVERY_MS, options.pollEveryMs);
  let timer: unknown;
  let failures = 0;
  let stopped = false;

  async function poll(): Promise<void> {
    const result = await readViewers(options);
    if (stopped) return;
    if ("viewers" in result) {
      failures = 0;
      const waitMs = Math.max(everyMs, result.maxAgeMs ?? 0) * (1 + 0.5 * host.random());
      timer = host.timers.setTimeout(() => void poll(), Math.min(MAX_TIMER_MS, Math.round(waitMs)));
      options.onCount(result.viewers);
      return;
    }
    const { problem, status, retryAfterMs } = result;
    if (status !== 0 && !isRetryableStatus(status)) {
      stopped = true;
      options.report({ ...problem, fatal: true });
      options.ended();
      return;
    }
    const delayMs = backoffDelayMs({ attempt: failures, retryAfterMs, random: host.random });
    failures += 1;
    timer = host.timers.setTimeout(() => void poll(), delayMs);
    options.report({ ...problem, fatal: false, retryInMs: delayMs });
  }

  void poll();
  return () => {
    stopped = true;
    host.timers.clearTimeout(timer);
  };
}

type ReadResult =
  | { viewers: StageViewers; maxAgeMs: number | undefined }
  | { problem: AnyProblem; status: number; retryAfterMs?: number | undefined };

async function readViewers(options: StageViewersPollOptions): Promise<ReadResult> {
  const { client, stageId, host } = options;
  try {
    const { data, error, response } = await withTimeout(host.timers, options.timeoutMs, (signal) =>
      client.GET("/v1/stages/{stageId}/viewers", { params: { path: { stageId } }, signal }),
    );
    if (data !== undefined) {
      return { viewers: data, maxAgeMs: maxAgeMsOf(response.headers.get("Cache-Control")) };
    }
    return {
      problem: problemFromResponse(error, response),
      status: response.status,
      retryAfterMs: parseRetryAfterMs(response.headers.get("Retry-After"), host.now()),
    };
  } catch (cause) {
    return { problem: networkProblem(cause), status: 0 };
  }
}

/** `max-age` of a `Cache-Control` header, in ms; `undefined` without one. */
export function maxAgeMsOf(header: string | null): number | undefined {
  const match = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?/i.exec(header ?? "");
  return match ? Number(match[1]) * 1000 : undefined;
}
