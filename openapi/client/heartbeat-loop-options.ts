import type { FetchLike, PresenceClient } from "./create-client";
import type { HostOptions } from "./environment";
import type { LoopProblem } from "./loop-problem";
import type { Heartbeat } from "./types";

/** What the token function is told: `refresh` is true after the server refused a token (401). */
export interface TokenRequest {
  refresh: boolean;
}

/**
 * A viewer token, or a function that returns the current one. The function is called before
 * every heartbeat (cache inside it) and once more with `refresh: true` after a 401.
 */
export type TokenSource = string | ((request: TokenRequest) => string | Promise<string>);

/**
 * Who is watching: a signed viewer token, or, on stages that allow them, an anonymous viewer
 * (the loop starts and renews an anonymous session itself: see `anonymousSessionToken`).
 */
export type ViewerIdentity =
  | { token: TokenSource; anonymous?: never }
  | { anonymous: true; token?: never };

/** How requests go out: a client you made, or one made here from `baseUrl` and `fetch`. */
export type LoopTransport =
  | { client: PresenceClient; fetch?: never }
  | { client?: never; fetch?: FetchLike };

/** The part of an `HTMLMediaElement` the loop reads to report the player's state. */
export interface PlayerMedia {
  paused: boolean;
  /** `HTMLMediaElement.readyState`: below 3 (HAVE_FUTURE_DATA) the player is buffering. */
  readyState: number;
}

/** What the player is doing when a heartbeat goes out: only `playing` earns watch time. */
export type PlayerState = "playing" | "paused" | "buffering";

/** The state a media element is in (a paused one is paused, whatever it has buffered). */
export function playerStateOf(media: PlayerMedia): PlayerState {
  if (media.paused) return "paused";
  return media.readyState < 3 ? "buffering" : "playing";
}

export interface HeartbeatLoopBaseOptions extends HostOptions {
  /** Where the worker answers (no `/v1`); also the base of the beacon's leave URL. */
  baseUrl: string;
  stageId: string;
  /** Called after each counted heartbeat, with the live count. */
  onUpdate?: (heartbeat: Heartbeat) => void;
  /** Called for each failed request; `problem.fatal` tells whether the loop gave up. */
  onError?: (problem: LoopProblem) => void;
  /**
   * Skip heartbeats while `document.visibilityState` is `hidden` (default false: background
   * tabs often still play). A heartbeat skipped while hidden is sent as soon as the page shows.
   */
  pauseWhenHidden?: boolean;
  /**
   * The player's `<video>` or `<audio>`: each heartbeat reports whether it is playing, paused or
   * buffering, and only playing time is credited (the viewer counts as present either way).
   * Absent: every heartbeat says playing.
   */
  media?: PlayerMedia | null;
  /** Give up on a request after this many ms and treat it as a network failure (default 15 000). */
  requestTimeoutMs?: number;
}

/**
 * Options of {@link startHeartbeatLoop}. `timers`, `now`, `random`, `document`, `window` and
 * `navigator` default to the runtime's globals, read when the loop starts; pass `null` for
 * `document`, `window` or `navigator` to do without.
 */
export type HeartbeatLoopOptions = HeartbeatLoopBaseOptions & ViewerIdentity & LoopTransport;

/**
 * - `running`: a heartbeat is in flight or the next is scheduled after a success;
 * - `backing-off`: the last attempt failed and a retry is scheduled;
 * - `paused`: the page is hidden and `pauseWhenHidden` is on;
 * - `left`: `pagehide` sent the leave; `pageshow` (back/forward cache) resumes;
 * - `stopped`: `stop()`, `leave()` or a problem that retrying cannot fix.
 */
export type HeartbeatLoopStatus = "running" | "backing-off" | "paused" | "left" | "stopped";

/** A snapshot of the loop, for display or debugging. */
export interface HeartbeatLoopState {
  status: HeartbeatLoopStatus;
  /** Whether a heartbeat request is on the wire. */
  inFlight: boolean;
  /** The last counted heartbeat (live count, viewer id). */
  lastHeartbeat: Heartbeat | undefined;
  /** Failed attempts since the last counted heartbeat. */
  consecutiveFailures: number;
  /** The last failure, cleared by a counted heartbeat. */
  lastProblem: LoopProblem | undefined;
}

export interface HeartbeatLoop {
  /**
   * Stops for good: cancels the timer, waits for a heartbeat in flight, sends the leave once
   * (beacon, else keepalive fetch, awaited) and removes the listeners. Idempotent.
   * `{ leave: false }` sends no leave: the viewer is handed over to another transport (a
   * presence socket) and must stay counted; their last heartbeat simply expires.
   */
  stop(options?: { leave?: boolean }): Promise<void>;
  /**
   * Stops at once and sends the leave now, without waiting for a heartbeat in flight (for your
   * own unload handling). Prefer `stop()` when you can await.
   */
  leave(): void;
  readonly state: HeartbeatLoopState;
}

/** Default request timeout, in ms. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
/** The contract's smallest `nextHeartbeatInMs`, in ms; a smaller value is raised to it. */
export const MIN_HEARTBEAT_INTERVAL_MS = 1_000;
/** The longest wait `setTimeout` can do, in ms; a longer one would fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;
