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
 * The loop's life: counting the viewer (`running`), gone with the page (`left`: `pagehide` sent
 * the leave, `pageshow` from the back/forward cache resumes) or `stopped` for good.
 */
type Mode = "running" | "left" | "stopped";

/** A heartbeat on the wire; `leaveRaced` when a leave went out before its answer came. */
interface Sending {
  step: "sending";
  attempt: Promise<Attempt>;
  leaveRaced: boolean;
}

/**
 * What the next heartbeat waits for: nothing planned (`idle`), its timer (`waiting`), the page to
 * show (`due`: its time came while hidden, with `pauseWhenHidden`), or its answer (`sending`).
 * Exactly one at a time, so a timer and a request never run together.
 */
type Next = { step: "idle" } | { step: "waiting"; timer: unknown } | { step: "due" } | Sending;

const IDLE: Next = { step: "idle" };
const DUE: Next = { step: "due" };

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
 * It is a state machine of two variables, `mode` (its life) and `next` (what the next heartbeat
 * waits for); every event moves them as follows (a row's change applies only while `running`
 * unless it says otherwise):
 *
 * | event                             | next becomes                                           |
 * | --------------------------------- | ------------------------------------------------------ |
 * | start, timer fires                | `sending`, or `due` while hidden                       |
 * | page shows                        | `due` becomes `sending`                                |
 * | answer: counted                   | `waiting` (the interval); `onUpdate`                   |
 * | answer: retryable failure         | `waiting` (backoff); `onError`                         |
 * | answer: first 401, token function | `sending` again, token refreshed                       |
 * | answer: any other 4xx             | mode `stopped`; `onError` (fatal)                      |
 * | `pagehide`                        | mode `left`, `idle`; the leave goes out                |
 * | `pageshow` while `left`           | mode `running`; as at start                            |
 * | `stop()`, `leave()`               | mode `stopped` (from any mode), `idle`; the leave goes |
 *
 * A request on the wire is never abandoned: `pagehide` and `stop()` leave `sending` as it is, and
 * its answer moves `next` to `idle` (`left`: `onUpdate` and `onError` still hear of it; `stopped`:
 * nobody does) and, if a leave raced it and it was counted, sends the leave again.
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

  let mode: Mode = "running";
  let next: Next = IDLE;
  /** The page's visibility, an input: only tracked with `pauseWhenHidden`. */
  let hidden = visibility?.visibilityState === "hidden";

  // What the loop remembers across heartbeats.
  /** Failed attempts since the last counted heartbeat: the backoff's exponent. */
  let failures = 0;
  /** After a 401: the next token is asked for with `refresh: true`. */
  let refreshToken = false;
  /** A heartbeat went out since the last leave, so the server may count this viewer. */
  let mayBeCounted = false;
  let lastToken: string | undefined;
  let lastHeartbeat: Heartbeat | undefined;
  let lastProblem: LoopProblem | undefined;
  let stopping: Promise<void> | undefined;

  /** The one way `next` changes but for a timer firing or an answer: a pending timer is cleared. */
  function moveTo(step: Next): void {
    if (next.step === "waiting") host.timers.clearTimeout(next.timer);
    next = step;
  }

  function wait(ms: number): void {
    moveTo({ step: "waiting", timer: host.timers.setTimeout(onTimer, ms) });
  }

  function onTimer(): void {
    next = IDLE; // the timer has fired: nothing to clear
    beatOrHold();
  }

  /** Sends the next heartbeat now, unless one is on the wire or the loop is not running. */
  function beat(): void {
    if (mode !== "running" || next.step === "sending") return;
    const flight: Sending = { step: "sending", attempt: send(), leaveRaced: false };
    moveTo(flight);
    void flight.attempt.then((result) => settle(flight, result));
  }

  /** The next heartbeat's time has come: send it, or hold it while the page is hidden. */
  function beatOrHold(): void {
    if (!hidden) beat();
    else if (mode === "running" && next.step !== "sending") moveTo(DUE);
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
    if (mode !== "running") return { kind: "cancelled" };
    lastToken = token;
    mayBeCounted = true;
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

  /** The answer to `flight` came: the row of the table it calls for. */
  function settle(flight: Sending, result: Attempt): void {
    next = IDLE;
    if (flight.leaveRaced && result.kind === "counted" && mode !== "running") {
      // The server counted this heartbeat after the leave: the viewer is back on the count.
      mayBeCounted = true;
      void dispatchLeave();
    }
    if (mode === "stopped" || result.kind === "cancelled") return;
    if (result.kind === "counted") {
      failures = 0;
      refreshToken = false;
      lastHeartbeat = result.heartbeat;
      lastProblem = undefined;
      if (mode === "running") wait(intervalOf(result.heartbeat));
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
      mayBeCounted = false;
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
    if (mode === "running") wait(delayMs);
    const cause = "cause" in result ? { cause: result.cause } : {};
    report({ ...problem, ...cause, fatal: false, retryInMs: delayMs });
  }

  function report(problem: LoopProblem): void {
    lastProblem = problem;
    options.onError?.(problem);
  }

  /** Sends the leave if this viewer may be counted; the beacon is queued before it returns. */
  function dispatchLeave(): Promise<void> {
    if (!mayBeCounted) return Promise.resolve();
    mayBeCounted = false;
    if (next.step === "sending") next.leaveRaced = true;
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

  /** Leaves `running` or `left` for `left` or `stopped`; a request on the wire runs its course. */
  function end(to: "left" | "stopped"): void {
    mode = to;
    if (next.step !== "sending") moveTo(IDLE);
  }

  function finish(): void {
    end("stopped");
    visibility?.removeEventListener("visibilitychange", onVisibilityChange);
    host.window?.removeEventListener("pagehide", onPageHide);
    host.window?.removeEventListener("pageshow", onPageShow);
  }

  function onVisibilityChange(): void {
    hidden = visibility?.visibilityState === "hidden";
    if (!hidden && next.step === "due") beat();
  }

  function onPageHide(): void {
    if (mode !== "running") return;
    end("left");
    void dispatchLeave();
  }

  /** Fires on every load too; only a page restored from the back/forward cache has `left`. */
  function onPageShow(): void {
    if (mode !== "left") return;
    mode = "running";
    beatOrHold();
  }

  function status(): HeartbeatLoopStatus {
    if (mode !== "running") return mode;
    if (hidden) return "paused";
    return failures > 0 ? "backing-off" : "running";
  }

  visibility?.addEventListener("visibilitychange", onVisibilityChange);
  host.window?.addEventListener("pagehide", onPageHide);
  host.window?.addEventListener("pageshow", onPageShow);
  beatOrHold();

  return {
    stop(stopOptions) {
      stopping ??= (async () => {
        const pending = next.step === "sending" ? next.attempt : undefined;
        finish();
        // Handing the viewer over (to a presence socket): they stay counted, so no leave.
        if (stopOptions?.leave === false) mayBeCounted = false;
        if (pending !== undefined) await pending;
        await dispatchLeave();
      })();
      return stopping;
    },
    leave() {
      if (mode === "stopped") return;
      finish();
      void dispatchLeave();
    },
    get state(): HeartbeatLoopState {
      return {
        status: status(),
        inFlight: next.step === "sending",
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
