import type { Host } from "./environment";
import { DEFAULT_REQUEST_TIMEOUT_MS } from "./heartbeat-loop-options";
import type { SocketOptions } from "./presence-options";
import { DEFAULT_RECONNECT_SPREAD_MS, DEFAULT_SOCKET_RETRY_MS } from "./reconnect-delay";
import type { SocketConstructor } from "./socket-connection";
import type { SocketPlan } from "./socket-plan";

/** What a socket plan takes from the options, whatever the page does on it. */
export function socketPlanBase(
  options: SocketOptions & { pauseWhenHidden?: boolean; requestTimeoutMs?: number },
  host: Host,
): Pick<
  SocketPlan,
  | "transport"
  | "host"
  | "WebSocket"
  | "spreadMs"
  | "socketRetryMs"
  | "closeTimeoutMs"
  | "pauseWhenHidden"
> {
  return {
    transport: options.transport === "websocket" ? "websocket" : "auto",
    host,
    WebSocket: socketConstructor(options.WebSocket),
    spreadMs: options.reconnectSpreadMs ?? DEFAULT_RECONNECT_SPREAD_MS,
    socketRetryMs: options.socketRetryMs ?? DEFAULT_SOCKET_RETRY_MS,
    closeTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    pauseWhenHidden: options.pauseWhenHidden ?? false,
  };
}

function socketConstructor(
  given: SocketConstructor | null | undefined,
): SocketConstructor | undefined {
  if (given === null) return undefined;
  if (given !== undefined) return given;
  const globalSocket = (globalThis as { WebSocket?: SocketConstructor }).WebSocket;
  return typeof globalSocket === "function" ? globalSocket : undefined;
}
