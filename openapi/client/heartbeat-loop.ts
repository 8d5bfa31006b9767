import { AnonymousSessionError, anonymousSessionToken } from "./anonymous-session";
import { backoffDelayMs } from "./backoff";
import { createPresenceClient, type PresenceClient } from "./create-client";
import { resolveHost } from "./environment";
import {
  DEFAULT_REQUEST_TIMEOUT_MS,
  type HeartbeatLoop,
  type HeartbeatLoopOptions,
  type HeartbeatLoopState,
  type HeartbeatLoopStatus,
  MAX_TIMER_MS,
  MIN_HEARTBEAT_INTERVAL_MS,
  playerStateOf,
} from "./heartbeat-loop-options";
import { type HeartbeatResult, requestHeartbeat } from "./heartbeat-request";
import { sendLeave } from "./leave";
import { isRetryableStatus, type LoopProblem, tokenProblem } from "./loop-problem";
import { startDeadline } from "./request-timeout";
import type { Heartbeat, ViewerBody } from "./types";

/** A heartbeat request's outcome, or `cancelled` when the loop ended before it went out. */
type Attempt = HeartbeatResult | { kind: "cancelled" };

/**
 * Keeps a viewer counted on a stage: sends `sendHeartbeat` at once, then again after each
 * answer's `nextHeartbeatInMs` (ms, server jitter included, none added here).
 *
 * - 408, 429, 5xx, network failures and timeouts: retried with exponential backoff and full
 *   jitter, never sooner than `Retry-After` (see `backoffDelayMs`); a success resets it.
 * - 401 with a token function: retried once at once with a token got with `refresh: true`;
 *   a second 401 in a row, a 401 with a fixed token, and any other 4xx stop the loop and are
 *   reported as fatal (retrying cannot fix them).
 * - Never two heartbeats in flight. On `pagehide` the leave goes out by `navigator.sendBeacon`
 *   (else a keepalive fetch); on `pageshow` from the back/forward cache the loop resumes. If a
 *   heartbeat was on the wire when the leave went out and it is counted after all, the leave is
 *   sent again (when the page still runs to see the answer).
 *
 * Nothing happens at import; globals are read when this is called. Exceptions thrown by
 * `onUpdate`/`onError` are not caught: they surface as unhandled rejections, and the loop, which
 * has scheduled its next step before calling them, keeps going.
 */
export function startHeartbeatLoop(options: HeartbeatLoopOptions): HeartbeatLoop {
  const host = resolveHost(options);
  const client: PresenceClient =
    options.client ?? createPresenceClient({ baseUrl: options.baseUrl, fetch: options.fetch });
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const visibility = options.pauseWhenHidden ? host.document : undefined;
  const { stageId } = options;
  const tokenSource = options.token ?? anonymousSessionToken({ client, stageId, now: host.now });

  let stopped = false;
  let left = false;
  let hidden = visibility?.visibilityState === "hidden";
  let due = false;
  let backingOff = false;
  let timer: unknown;
  let inFlight: Promise<Attempt> | undefined;
  let stopping: Promise<void> | undefined;
  let failures = 0;
  let refreshToken = false;
  let lastToken: string | undefined;
  let needsLeave = false;
  let leaveAfterFlight = false;
  let lastHeartbeat: Heartbeat | undefined;
  let lastProblem: LoopProblem | undefined;

  function schedule(ms: number): void {
    clearTimer();
    timer = host.timers.setTimeout(onTimer, ms);
  }

  function clearTimer(): void {
    if (timer !== undefined) host.timers.clearTimeout(timer);
    timer = undefined;
  }

  function onTimer(): void {
    timer = undefined;
    if (hidden) due = true;
    else beat();
  }

  function beat(): void {
    if (stopped || left || inFlight !== undefined) return;
    due = false;
    const attempt = send();
    inFlight = attempt;
    void attempt.then((result) => {
      inFlight = undefined;
      settle(result);
    });
  }

  async function send(): Promise<Attempt> {
    let token: string;
    try {
      token =
        typeof tokenSource === "string"
          ? tokenSource
          : await tokenSource({ refresh: refreshToken });
    } catch (cause) {
      if (cause instanceof AnonymousSessionError) {
        const { problem, status, retryAfterMs } = cause;
        return retryAfterMs === undefined
          ? { kind: "failed", problem, status }
          : { kind: "failed", problem, status, retryAfterMs };
      }
      return { kind: "failed", problem: tokenProblem(cause), status: 0, cause };
    }
    // stop() or pagehide while the token function ran: this heartbeat must not go out.
    if (stopped || left) return { kind: "cancelled" };
    lastToken = token;
    needsLeave = true;
    return requestHeartbeat({
      client,
      stageId,
      token,
      state: options.media ? playerStateOf(options.media) : undefined,
      // A ticket is for one viewer: after a token refresh (an anonymous session renewed keeps
      // its id; an operator's new token may not) the server simply answers a new one.
      ticket: lastHeartbeat?.ticket,
      timers: host.timers,
      timeoutMs,
      now: host.now,
    });
  }

  function settle(result: Attempt): void {
    if (leaveAfterFlight) {
      // A leave went out while this heartbeat was on the wire; if the server counted the
      // heartbeat after the leave, the viewer is back on the count: say goodbye again.
      leaveAfterFlight = false;
      if (result.kind === "counted" && (stopped || left)) {
        needsLeave = true;
        void dispatchLeave();
      }
    }
    if (stopped || result.kind === "cancelled") return;
    if (result.kind === "counted") {
      failures = 0;
      refreshToken = false;
      backingOff = false;
      lastHeartbeat = result.heartbeat;
      lastProblem = undefined;
      if (!left) schedule(intervalOf(result.heartbeat));
      options.onUpdate?.(result.heartbeat);
      return;
    }
    const { problem, status } = result;
    if (status === 401 && typeof tokenSource === "function" && !refreshToken) {
      refreshToken = true;
      report({ ...problem, fatal: false, retryInMs: 0 });
      beat();
      return;
    }
    if (status !== 0 && !isRetryableStatus(status)) {
      // The server refused this viewer: it is not counted, so there is nothing to leave.
      needsLeave = false;
      finish();
      report({ ...problem, fatal: true });
      return;
    }
    const delayMs = backoffDelayMs({
      attempt: failures,
      retryAfterMs: result.retryAfterMs,
      random: host.random,
    });
    failures += 1;
    backingOff = true;
    if (!left) schedule(delayMs);
    const cause = "cause" in result ? { cause: result.cause } : {};
    report({ ...problem, ...cause, fatal: false, retryInMs: delayMs });
  }

  function report(problem: LoopProblem): void {
    lastProblem = problem;
    options.onError?.(problem);
  }

  /** Sends the leave if this viewer may be counted; the beacon is queued before it returns. */
  function dispatchLeave(): Promise<void> {
    if (!needsLeave) return Promise.resolve();
    needsLeave = false;
    if (inFlight !== undefined) leaveAfterFlight = true;
    const body: ViewerBody = { token: lastToken };
    // The deadline only matters for the fallback fetch; a beacon is fire-and-forget.
    const deadline = startDeadline(host.timers, timeoutMs);
    const sent = sendLeave({
      client,
      baseUrl: options.baseUrl,
      stageId,
      body,
      navigator: host.navigator,
      signal: deadline.signal,
    });
    if (sent.transport === "beacon") {
      deadline.cancel();
      return Promise.resolve();
    }
    return sent.problem.then((problem) => {
      deadline.cancel();
      if (problem !== undefined) report({ ...problem, fatal: false });
    });
  }

  function finish(): void {
    stopped = true;
    clearTimer();
    visibility?.removeEventListener("visibilitychange", onVisibilityChange);
    host.window?.removeEventListener("pagehide", onPageHide);
    host.window?.removeEventListener("pageshow", onPageShow);
  }

  function onVisibilityChange(): void {
    hidden = visibility?.visibilityState === "hidden";
    if (!hidden && due) beat();
  }

  function onPageHide(): void {
    if (left) return;
    left = true;
    clearTimer();
    void dispatchLeave();
  }

  /** Fires on every load too; only a page restored from the back/forward cache has `left`. */
  function onPageShow(): void {
    if (!left) return;
    left = false;
    if (hidden) due = true;
    else beat();
  }

  function status(): HeartbeatLoopStatus {
    if (stopped) return "stopped";
    if (left) return "left";
    if (hidden) return "paused";
    return backingOff ? "backing-off" : "running";
  }

  visibility?.addEventListener("visibilitychange", onVisibilityChange);
  host.window?.addEventListener("pagehide", onPageHide);
  host.window?.addEventListener("pageshow", onPageShow);
  if (hidden) due = true;
  else beat();

  return {
    stop() {
      stopping ??= (async () => {
        const pending = inFlight;
        finish();
        if (pending !== undefined) await pending;
        await dispatchLeave();
      })();
      return stopping;
    },
    leave() {
      if (stopped) return;
      finish();
      void dispatchLeave();
    },
    get state(): HeartbeatLoopState {
      return {
        status: status(),
        inFlight: inFlight !== undefined,
        lastHeartbeat,
        consecutiveFailures: failures,
        lastProblem,
      };
    },
  };
}

function intervalOf(heartbeat: Heartbeat): number {
  return Math.min(MAX_TIMER_MS, Math.max(MIN_HEARTBEAT_INTERVAL_MS, heartbeat.nextHeartbeatInMs));
}
