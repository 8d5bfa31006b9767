import type { Timers } from "./environment";
import type { AnyProblem } from "./loop-problem";
import {
  parseServerFrame,
  SOCKET_CLOSE_LEFT,
  SOCKET_PING,
  type SocketClientMessage,
  type SocketCountMessage,
} from "./socket-protocol";

/** What a socket event carries that the client reads: `data` (message), `code`/`reason` (close). */
export interface SocketEvent {
  readonly data?: unknown;
  readonly code?: number;
  readonly reason?: string;
}

/** The part of a `WebSocket` the client uses; the browser's and Node's (22+) global one fit. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(
    type: "open" | "message" | "close" | "error",
    listener: (event: SocketEvent) => void,
  ): void;
}

/** A `WebSocket` constructor: the global one, or a test's or a polyfill's. */
export type SocketConstructor = new (url: string) => SocketLike;

/** The ping interval before the first count says otherwise, in ms. */
export const DEFAULT_PING_EVERY_MS = 30_000;
/** Silence after which a socket is taken for dead: two ping intervals and this much, in ms. */
const WATCHDOG_SLACK_MS = 10_000;
const OPEN = 1;

/** How one socket ended, unless this side closed it (`leave`/`close`: no event then). */
export interface SocketClosed {
  code: number;
  reason: string;
  /** The `problem` message the server sent just before closing, if any. */
  problem: AnyProblem | undefined;
  /** False when the socket closed before it opened: the handshake failed. */
  wasOpen: boolean;
}

export interface SocketEvents {
  opened(): void;
  count(message: SocketCountMessage): void;
  closed(closed: SocketClosed): void;
}

export interface SocketConnectionOptions {
  url: string;
  WebSocket: SocketConstructor;
  timers: Timers;
  now: () => number;
  /** While true, pings are held (the page is hidden and presence pauses then). */
  held: () => boolean;
  /** How long `leave`/`close` wait for the close handshake before resolving, in ms. */
  closeTimeoutMs: number;
  events: SocketEvents;
}

/** One presence socket, from opening to closing; reconnecting is its owner's business. */
export interface SocketConnection {
  readonly isOpen: boolean;
  /** Sends a message if the socket is open; false if it is not. */
  send(message: SocketClientMessage): boolean;
  /** Sends the held ping, if one came due while held. */
  resume(): void;
  /**
   * Closes with 1000, after a `leave` message when `leave` is true; resolves when the close
   * handshake ends or after `closeTimeoutMs`. No `closed` event follows.
   */
  close(options: { leave: boolean }): Promise<void>;
}

/**
 * Opens a presence socket and keeps it alive: pings every `pingEveryMs` (taken from the last
 * count; 30 s before the first), and takes a socket that has heard nothing for two intervals and
 * 10 s for dead (a dropped NAT mapping or a sleeping laptop shows no close for minutes), closing
 * it and reporting code 1006. Frames it does not know are ignored.
 */
export function openSocketConnection(options: SocketConnectionOptions): SocketConnection {
  const { timers, now, events } = options;
  let socket: SocketLike | undefined;
  let finished = false;
  let wasOpen = false;
  let pingEveryMs = DEFAULT_PING_EVERY_MS;
  let pingTimer: unknown;
  let pingDue = false;
  let lastHeardAt = now();
  let problem: AnyProblem | undefined;
  let closing: Promise<void> | undefined;
  let closedByUs: (() => void) | undefined;

  function schedulePing(): void {
    timers.clearTimeout(pingTimer);
    pingTimer = timers.setTimeout(onPingTimer, pingEveryMs);
  }

  function onPingTimer(): void {
    pingTimer = undefined;
    if (options.held()) pingDue = true;
    else ping();
  }

  function ping(): void {
    pingDue = false;
    if (now() - lastHeardAt > 2 * pingEveryMs + WATCHDOG_SLACK_MS) {
      end({ code: 1006, reason: "no answer to pings", problem: undefined, wasOpen: true });
      socket?.close();
      return;
    }
    socket?.send(SOCKET_PING);
    schedulePing();
  }

  function onMessage(event: SocketEvent): void {
    lastHeardAt = now();
    const frame = parseServerFrame(event.data);
    if (frame === undefined || frame === "pong" || finished) return;
    if (frame.type === "problem") {
      problem = frame.problem;
      return;
    }
    if (frame.pingEveryMs !== pingEveryMs) {
      pingEveryMs = frame.pingEveryMs;
      schedulePing();
    }
    events.count(frame);
  }

  /** Reports the end once, unless this side closed the socket. */
  function end(closed: SocketClosed): void {
    if (finished) return;
    finished = true;
    timers.clearTimeout(pingTimer);
    events.closed(closed);
  }

  function onClose(event: SocketEvent): void {
    closedByUs?.();
    const code = event.code ?? 1006;
    end({ code, reason: event.reason ?? "", problem, wasOpen });
  }

  try {
    socket = new options.WebSocket(options.url);
  } catch {
    // A URL the runtime refuses, or a policy that forbids sockets: a failed handshake.
    void Promise.resolve().then(() =>
      end({ code: 1006, reason: "could not open", problem: undefined, wasOpen: false }),
    );
  }
  socket?.addEventListener("open", () => {
    if (finished) return;
    wasOpen = true;
    lastHeardAt = now();
    schedulePing();
    events.opened();
  });
  socket?.addEventListener("message", onMessage);
  socket?.addEventListener("close", onClose);

  return {
    get isOpen() {
      return !finished && socket?.readyState === OPEN;
    },
    send(message) {
      if (finished || socket?.readyState !== OPEN) return false;
      socket.send(JSON.stringify(message));
      return true;
    },
    resume() {
      if (pingDue && !finished) ping();
    },
    close({ leave }) {
      closing ??= new Promise<void>((resolve) => {
        const open = !finished && socket?.readyState === OPEN;
        finished = true;
        timers.clearTimeout(pingTimer);
        if (socket === undefined || socket.readyState > OPEN) return resolve();
        if (leave && open) socket.send(JSON.stringify({ type: "leave" }));
        const deadline = timers.setTimeout(resolve, options.closeTimeoutMs);
        closedByUs = () => {
          timers.clearTimeout(deadline);
          resolve();
        };
        socket.close(SOCKET_CLOSE_LEFT);
      });
      return closing;
    },
  };
}
