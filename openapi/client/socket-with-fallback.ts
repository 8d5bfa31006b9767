import { backoffDelayMs } from "./backoff";
import { type AnyProblem, isRetryableStatus } from "./loop-problem";
import { reconnectDelayMs, socketRetryDelayMs } from "./reconnect-delay";
import { closeProblem, handshakeProblem, socketCloseOutcome } from "./socket-close";
import {
  openSocketConnection,
  type SocketClosed,
  type SocketConnection,
  type SocketConstructor,
} from "./socket-connection";
import type {
  ConnectFailure,
  FallbackHandle,
  SocketDriver,
  SocketDriverStatus,
  SocketPlan,
} from "./socket-plan";
import type { SocketCountMessage } from "./socket-protocol";

/**
 * The socket's life for a page: `socket` (connecting, open, or waiting to reconnect),
 * `fallback` (HTTP runs; the socket is tried again now and then), `left` (pagehide), `stopped`.
 */
type Mode = "socket" | "fallback" | "left" | "stopped";

/**
 * Runs a presence socket with reconnects and the HTTP fallback:
 * - a handshake that fails (the socket closes before it opens: no server, an upgrade refused by
 *   a proxy, a non-101 answer) falls back to HTTP at once under `auto` if no socket ever opened
 *   on this page, and after 3 such failures in a row if one did (a deploy's blip is no reason
 *   to leave); the socket is tried again after `socketRetryMs` (×0.5-1.5) and takes over, with
 *   no leave, as soon as one opens. Under `websocket` it is retried with backoff, for ever;
 * - a close after opening: `socketCloseOutcome` (4401 refresh, 4400/4403/4404/4410 fatal, else
 *   reconnect after `reconnectDelayMs`: spread after a deploy, else full-jitter backoff);
 * - `pagehide` closes the socket (after a `leave`) and `pageshow` from the back/forward cache
 *   opens a new one; in fallback the heartbeat loop handles both itself.
 */
export function runSocketWithFallback(plan: SocketPlan): SocketDriver {
  const { host } = plan;
  const visibility = plan.pauseWhenHidden ? host.document : undefined;
  const held = (): boolean => visibility?.visibilityState === "hidden";
  let mode: Mode = "socket";
  let connection: SocketConnection | undefined;
  /** `connection` has opened and `plan.opened` was told. */
  let live = false;
  let connecting = false;
  let fallback: FallbackHandle | undefined;
  let timer: unknown;
  /** A connection came due while held (hidden page): it goes when the page shows. */
  let due = false;
  let everOpened = false;
  let failures = 0;
  let handshakeFailures = 0;
  let refreshNext = false;
  let refreshedSinceCount = false;
  let stopping: Promise<void> | undefined;

  function wait(ms: number, then: () => void): void {
    host.timers.clearTimeout(timer);
    timer = host.timers.setTimeout(() => {
      timer = undefined;
      then();
    }, ms);
  }

  async function connect(): Promise<void> {
    if (connecting || connection !== undefined || (mode !== "socket" && mode !== "fallback")) {
      return;
    }
    if (held()) {
      due = true;
      return;
    }
    connecting = true;
    const target = await plan.target(refreshNext).finally(() => {
      connecting = false;
    });
    if (mode !== "socket" && mode !== "fallback") return;
    if ("failure" in target) {
      targetFailed(target.failure);
      return;
    }
    connection = openSocketConnection({
      url: target.url,
      WebSocket: plan.WebSocket as SocketConstructor,
      timers: host.timers,
      now: host.now,
      held,
      closeTimeoutMs: plan.closeTimeoutMs,
      events: { opened, count, closed },
    });
  }

  function opened(): void {
    handshakeFailures = 0;
    everOpened = true;
    if (mode === "fallback") {
      // The socket takes over. No leave: the same viewer is on the socket now, and the server
      // counts a viewer once whichever way it comes; its heartbeat simply expires.
      mode = "socket";
      void fallback?.stop({ leave: false });
      fallback = undefined;
    }
    if (connection === undefined) return;
    live = true;
    plan.opened(connection);
  }

  function count(message: SocketCountMessage): void {
    failures = 0;
    refreshNext = false;
    refreshedSinceCount = false;
    plan.count(message);
  }

  function closed(end: SocketClosed): void {
    endSocket();
    if (mode !== "socket" && mode !== "fallback") return;
    if (!end.wasOpen) {
      handshakeFailed(end.code);
      return;
    }
    const problem = closeProblem(end.code, end.reason, end.problem);
    const outcome = socketCloseOutcome(end.code);
    if (outcome.kind === "fatal" || (outcome.kind === "refresh" && !canRefresh())) {
      fail(problem);
      return;
    }
    if (outcome.kind === "refresh") {
      refreshNext = true;
      refreshedSinceCount = true;
      plan.report({ ...problem, fatal: false, retryInMs: 0 });
      void connect();
      return;
    }
    retryLater(
      problem,
      reconnectDelayMs({
        attempt: failures,
        serverWentAway: outcome.serverWentAway,
        spreadMs: plan.spreadMs,
        random: host.random,
      }),
    );
  }

  /** A second 4401 without a count between is fatal, as a second 401 is for heartbeats. */
  function canRefresh(): boolean {
    return plan.canRefresh && !refreshedSinceCount;
  }

  function handshakeFailed(code: number): void {
    handshakeFailures += 1;
    if (mode === "fallback") {
      probeLater();
      return;
    }
    const problem = handshakeProblem(code);
    if (plan.transport === "auto" && handshakeFailures >= (everOpened ? 3 : 1)) {
      fallBack();
      return;
    }
    retryLater(problem, backoffDelayMs({ attempt: failures, random: host.random }));
  }

  function targetFailed(failure: ConnectFailure): void {
    const { problem, status, retryAfterMs } = failure;
    if (status !== 0 && !isRetryableStatus(status)) {
      fail(problem);
      return;
    }
    if (mode === "fallback") {
      probeLater();
      return;
    }
    const delayMs = backoffDelayMs({ attempt: failures, retryAfterMs, random: host.random });
    retryLater({ ...problem, ...("cause" in failure ? { cause: failure.cause } : {}) }, delayMs);
  }

  function retryLater(problem: AnyProblem, delayMs: number): void {
    failures += 1;
    wait(delayMs, () => void connect());
    plan.report({ ...problem, fatal: false, retryInMs: delayMs });
  }

  function fallBack(): void {
    mode = "fallback";
    fallback = plan.startFallback(() => {
      fallback = undefined; // it stopped itself and reported why
      void finish();
    });
    probeLater();
  }

  function probeLater(): void {
    if (plan.WebSocket === undefined) return; // this runtime will never have one
    wait(socketRetryDelayMs(plan.socketRetryMs, host.random), () => void connect());
  }

  function fail(problem: AnyProblem): void {
    void finish();
    plan.report({ ...problem, fatal: true });
  }

  /** Ends for good; resolves when the socket has closed and the fallback has stopped. */
  function finish(): Promise<unknown> {
    const closing = connection?.close({ leave: plan.leaves });
    const stoppingFallback = fallback?.stop({ leave: true });
    endSocket();
    fallback = undefined;
    mode = "stopped";
    host.timers.clearTimeout(timer);
    visibility?.removeEventListener("visibilitychange", onVisibilityChange);
    host.window?.removeEventListener("pagehide", onPageHide);
    host.window?.removeEventListener("pageshow", onPageShow);
    return Promise.all([closing, stoppingFallback]);
  }

  /** Forgets the socket, undoing what `plan.opened` set up if it had opened. */
  function endSocket(): void {
    connection = undefined;
    if (!live) return;
    live = false;
    plan.socketEnded();
  }

  function onPageHide(): void {
    if (mode !== "socket") return;
    mode = "left";
    host.timers.clearTimeout(timer);
    void connection?.close({ leave: plan.leaves });
    endSocket();
  }

  /** Fires on every load too; only a page restored from the back/forward cache has `left`. */
  function onPageShow(): void {
    if (mode !== "left") return;
    mode = "socket";
    failures = 0;
    void connect();
  }

  /** The page shows again: the ping or the connection held while it was hidden goes now. */
  function onVisibilityChange(): void {
    if (held()) return;
    connection?.resume();
    if (due) {
      due = false;
      void connect();
    }
  }

  visibility?.addEventListener("visibilitychange", onVisibilityChange);
  host.window?.addEventListener("pagehide", onPageHide);
  host.window?.addEventListener("pageshow", onPageShow);
  if (plan.WebSocket !== undefined) void connect();
  else if (plan.transport === "auto") fallBack();
  else fail({ ...handshakeProblem(0), detail: "no WebSocket in this runtime: pass `WebSocket`" });

  return {
    get status(): SocketDriverStatus {
      if (mode !== "socket") return mode;
      if (connection?.isOpen) return "open";
      return failures > 0 ? "reconnecting" : "connecting";
    },
    get consecutiveFailures() {
      return failures;
    },
    stop() {
      stopping ??= (async () => {
        if (mode === "stopped") return;
        await finish();
      })();
      return stopping;
    },
  };
}
