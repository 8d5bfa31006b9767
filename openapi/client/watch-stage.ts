import { createPresenceClient, type PresenceClient } from "./create-client";
import { resolveHost } from "./environment";
import type { HeartbeatLoopBaseOptions, LoopTransport } from "./heartbeat-loop-options";
import type { PresenceState, PresenceUpdate, SocketOptions } from "./presence-options";
import { presenceRecord } from "./presence-record";
import { socketPlanBase } from "./socket-plan-base";
import { presenceSocketUrl } from "./socket-protocol";
import { runSocketWithFallback } from "./socket-with-fallback";
import { DEFAULT_POLL_EVERY_MS, pollStageViewers } from "./stage-viewers-poll";

/** Options of {@link watchStage}. */
export type WatchStageOptions = Pick<
  HeartbeatLoopBaseOptions,
  | "baseUrl"
  | "stageId"
  | "onError"
  | "pauseWhenHidden"
  | "requestTimeoutMs"
  | "timers"
  | "now"
  | "random"
  | "document"
  | "window"
> &
  SocketOptions &
  LoopTransport & {
    /** Called with each count: pushed on the socket when it changes, or each poll's answer. */
    onUpdate?: (update: PresenceUpdate) => void;
    /** Without a socket, read `getStageViewers` this often, in ms (default 15 000, at least 10 000). */
    pollEveryMs?: number;
  };

export interface StageWatch {
  /** Closes the socket (or stops polling); resolves when the socket has closed. Idempotent. */
  stop(): Promise<void>;
  readonly state: PresenceState;
}

/**
 * Shows a stage's count on a page that is not counted (a lobby, a schedule, an operator's
 * screen): the presence socket with `?watch=true` and no token, counts pushed as they change,
 * the same reconnects and backoff as `startPresence`. Where the socket cannot open it polls
 * `getStageViewers` (every `pollEveryMs` ×1-1.5, never sooner than its `Cache-Control` allows)
 * and tries the socket again later. A watcher sends no leave; it just closes.
 */
export function watchStage(options: WatchStageOptions): StageWatch {
  const host = resolveHost({ ...options, navigator: null });
  const client: PresenceClient =
    options.client ?? createPresenceClient({ baseUrl: options.baseUrl, fetch: options.fetch });
  const { stageId } = options;
  const { update, report, state } = presenceRecord(options);

  const startPolling = (ended: () => void) =>
    pollStageViewers({
      client,
      stageId,
      host,
      pollEveryMs: options.pollEveryMs ?? DEFAULT_POLL_EVERY_MS,
      timeoutMs: socketPlanBase(options, host).closeTimeoutMs,
      onCount: ({ viewers, estimated }) =>
        update({ stageId, viewers, estimated, transport: "http" }),
      report,
      ended,
    });
  if (options.transport === "http") {
    let stopped = false;
    const stop = startPolling(() => {
      stopped = true;
    });
    return {
      stop: async () => {
        stopped = true;
        stop();
      },
      get state() {
        return state(stopped ? "stopped" : "fallback", 0);
      },
    };
  }

  const driver = runSocketWithFallback({
    ...socketPlanBase(options, host),
    canRefresh: false,
    leaves: false,
    target: async () => ({
      url: presenceSocketUrl({ baseUrl: options.baseUrl, stageId, query: { watch: "true" } }),
    }),
    startFallback(ended) {
      const stop = startPolling(ended);
      return { stop: async () => stop() };
    },
    opened: () => undefined,
    socketEnded: () => undefined,
    count: ({ viewers, estimated }) =>
      update({ stageId, viewers, estimated, transport: "websocket" }),
    report,
  });
  return {
    stop: () => driver.stop(),
    get state() {
      return state(driver.status, driver.consecutiveFailures);
    },
  };
}
