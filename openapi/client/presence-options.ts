import type {
  HeartbeatLoopBaseOptions,
  LoopTransport,
  ViewerIdentity,
} from "./heartbeat-loop-options";
import type { LoopProblem } from "./loop-problem";
import type { SocketConstructor } from "./socket-connection";
import type { PresenceTransport, SocketDriverStatus } from "./socket-plan";

/** A count as a page shows it, from whichever transport brought it. */
export interface PresenceUpdate {
  stageId: string;
  viewers: number;
  /** True while the figure is a restore estimate: show it as approximate. */
  estimated: boolean;
  /** `websocket`: pushed when it changed; `http`: with a heartbeat's (or a poll's) answer. */
  transport: "websocket" | "http";
}

/** How a page reaches the server; every member has a default. */
export interface SocketOptions {
  /**
   * `auto` (default): the presence socket, falling back to HTTP when it cannot open and trying
   * the socket again later; `websocket`: the socket only (retried with backoff, never HTTP);
   * `http`: HTTP only.
   */
  transport?: PresenceTransport;
  /**
   * The `WebSocket` constructor; defaults to the global one, read when this starts. `null`: none
   * (as in a runtime without one): `auto` goes to HTTP at once.
   */
  WebSocket?: SocketConstructor | null;
  /** The first reconnect after a deploy waits a random 0..this many ms (default 30 000). */
  reconnectSpreadMs?: number;
  /** After falling back to HTTP, try the socket again after this many ms ×0.5-1.5 (default 5 min). */
  socketRetryMs?: number;
}

/**
 * Options of {@link startPresence}: those of `startHeartbeatLoop` (the same token source,
 * anonymous sessions, player media, host objects, timers) and the transport's; `onUpdate`
 * gets a {@link PresenceUpdate}, whichever transport brought it.
 */
export type PresenceOptions = Omit<HeartbeatLoopBaseOptions, "onUpdate"> &
  SocketOptions &
  ViewerIdentity &
  LoopTransport & {
    onUpdate?: (update: PresenceUpdate) => void;
  };

/**
 * - `connecting`/`open`/`reconnecting`: on the socket;
 * - `fallback`: on HTTP (heartbeats or polls), the socket to be tried again later;
 * - `left`: `pagehide` closed the socket; `pageshow` from the back/forward cache reopens it;
 * - `stopped`: `stop()` or a problem that retrying cannot fix.
 */
export type PresenceStatus = SocketDriverStatus;

/** A snapshot, for display or debugging. */
export interface PresenceState {
  status: PresenceStatus;
  /** The last count onUpdate got. */
  lastUpdate: PresenceUpdate | undefined;
  /** Failed connections since the last count (the backoff's exponent). */
  consecutiveFailures: number;
  /** The last problem reported through `onError`. */
  lastProblem: LoopProblem | undefined;
}

export interface Presence {
  /**
   * Stops for good: sends `leave` and closes the socket (or stops the heartbeat loop, which sends
   * its leave); resolves when the socket has closed (at most `requestTimeoutMs` later). Idempotent.
   */
  stop(): Promise<void>;
  readonly state: PresenceState;
}
