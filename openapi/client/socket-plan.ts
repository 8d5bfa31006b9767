import type { Host } from "./environment";
import type { AnyProblem, LoopProblem } from "./loop-problem";
import type { SocketConnection, SocketConstructor } from "./socket-connection";
import type { SocketCountMessage } from "./socket-protocol";

/**
 * What `runSocketWithFallback` is given and gives back: a page's plan for the socket (its URL,
 * its HTTP fallback, what it adds to an open socket) and the handle on the running socket.
 */

/** Which way a page talks to the server: `auto` tries the socket and falls back to HTTP. */
export type PresenceTransport = "auto" | "websocket" | "http";

/** The HTTP way, running while the socket cannot open. */
export interface FallbackHandle {
  /** Ends it; `leave: false` when the socket takes over (the viewer must stay counted). */
  stop(options: { leave: boolean }): Promise<void>;
}

/** Why no socket could be opened before trying (a token function failed, a session refused). */
export interface ConnectFailure {
  problem: AnyProblem;
  /** The HTTP status behind it; 0 when there was none (retried with backoff). */
  status: number;
  retryAfterMs?: number | undefined;
  cause?: unknown;
}

/** What a page does with the socket: its URL, its fallback and what it adds to an open socket. */
export interface SocketPlan {
  transport: "auto" | "websocket";
  host: Host;
  WebSocket: SocketConstructor | undefined;
  /** See `reconnectDelayMs`. */
  spreadMs: number;
  /** See `socketRetryDelayMs`. */
  socketRetryMs: number;
  closeTimeoutMs: number;
  /** Hold pings and connections while the page is hidden (`pauseWhenHidden`). */
  pauseWhenHidden: boolean;
  /** The upgrade URL; `refresh` after the server closed with 4401. */
  target(refresh: boolean): Promise<{ url: string } | { failure: ConnectFailure }>;
  /** Whether a 4401 may be cured with a fresh token (false: a fixed token, a watcher). */
  canRefresh: boolean;
  /** Send a `leave` before closing on `stop()` and `pagehide` (a counted viewer does). */
  leaves: boolean;
  /** Starts the HTTP way; it calls `ended` if it stops for good on its own (a fatal problem). */
  startFallback(ended: () => void): FallbackHandle;
  opened(connection: SocketConnection): void;
  /** The open socket is gone (closed, left, stopped): undo what `opened` set up. */
  socketEnded(): void;
  count(message: SocketCountMessage): void;
  report(problem: LoopProblem): void;
}

export type SocketDriverStatus =
  | "connecting"
  | "open"
  | "reconnecting"
  | "fallback"
  | "left"
  | "stopped";

export interface SocketDriver {
  readonly status: SocketDriverStatus;
  readonly consecutiveFailures: number;
  stop(): Promise<void>;
}
