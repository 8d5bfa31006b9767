import { AnonymousSessionError, anonymousSessionToken } from "./anonymous-session";
import { createPresenceClient, type PresenceClient } from "./create-client";
import { type Host, resolveHost } from "./environment";
import { startHeartbeatLoop } from "./heartbeat-loop";
import {
  type HeartbeatLoop,
  type PlayerState,
  playerStateOf,
  type TokenSource,
} from "./heartbeat-loop-options";
import { type LoopProblem, tokenProblem } from "./loop-problem";
import type { Presence, PresenceOptions, PresenceUpdate } from "./presence-options";
import { presenceRecord } from "./presence-record";
import type { ConnectFailure, SocketPlan } from "./socket-plan";
import { socketPlanBase } from "./socket-plan-base";
import { followPlayerState } from "./socket-player-state";
import { presenceSocketUrl } from "./socket-protocol";
import { renewTokenOnSocket } from "./socket-token-renewal";
import { runSocketWithFallback } from "./socket-with-fallback";

/**
 * Keeps a viewer counted on a stage over the presence socket (`GET /v1/stages/{id}/presence`),
 * with counts pushed to `onUpdate` as they change, and falls back to `startHeartbeatLoop` where
 * the socket cannot open (see `runSocketWithFallback` for when, and for reconnects). On the
 * socket: a ping every `pingEveryMs` of the last count (30 s before the first); the player's
 * state as `state` messages when it changes (`media`); the token renewed a minute before its
 * `exp` as a `token` message (an anonymous session renews itself as in the loop); a 4401 reopens
 * with a token asked with `refresh: true`; `stop()` and `pagehide` send `leave` and close.
 *
 * One viewer whichever the transport: both use the same token source (one anonymous session),
 * and when the socket takes over from heartbeats no leave is sent (the server counts a viewer
 * once; the last heartbeat expires). `onError` hears what the loop would report, `fatal` when
 * presence stopped for good. Nothing happens at import; globals are read when this is called.
 */
export function startPresence(options: PresenceOptions): Presence {
  const host = resolveHost(options);
  const client: PresenceClient =
    options.client ?? createPresenceClient({ baseUrl: options.baseUrl, fetch: options.fetch });
  const { stageId } = options;
  const tokenSource = options.token ?? anonymousSessionToken({ client, stageId, now: host.now });
  const { update, report, state } = presenceRecord(options);
  const startLoop = (ended: () => void): HeartbeatLoop =>
    startHeartbeatLoop({
      ...options,
      client,
      fetch: undefined,
      anonymous: undefined,
      token: tokenSource,
      onUpdate: ({ viewers, estimated }) =>
        update({ stageId, viewers, estimated, transport: "http" }),
      onError: (problem) => {
        report(problem);
        if (problem.fatal) ended();
      },
    });

  if (options.transport === "http") {
    const loop = startLoop(() => undefined);
    return {
      stop: () => loop.stop(),
      get state() {
        const { status, consecutiveFailures } = loop.state;
        return state(
          status === "stopped" || status === "left" ? status : "fallback",
          consecutiveFailures,
        );
      },
    };
  }

  const driver = runSocketWithFallback(
    viewerSocketPlan({ options, host, tokenSource, startLoop, update, report }),
  );
  return {
    stop: () => driver.stop(),
    get state() {
      return state(driver.status, driver.consecutiveFailures);
    },
  };
}

/** What startPresence's socket does for a viewer: its URL, token, player state and fallback. */
function viewerSocketPlan(context: {
  options: PresenceOptions;
  host: Host;
  tokenSource: TokenSource;
  startLoop: (ended: () => void) => HeartbeatLoop;
  update: (update: PresenceUpdate) => void;
  report: (problem: LoopProblem) => void;
}): SocketPlan {
  const { options, host, tokenSource, startLoop, update, report } = context;
  const { stageId, media } = options;
  let token: string | undefined;
  let openedWith: PlayerState = "playing";
  let undo: (() => void)[] = [];
  return {
    ...socketPlanBase(options, host),
    canRefresh: typeof tokenSource === "function",
    leaves: true,
    async target(refresh) {
      const got = await viewerToken(tokenSource, refresh);
      if ("failure" in got) return got;
      token = got.token;
      const query: Record<string, string> = { token: got.token };
      if (media) query.state = openedWith = playerStateOf(media);
      return { url: presenceSocketUrl({ baseUrl: options.baseUrl, stageId, query }) };
    },
    startFallback(ended) {
      const loop = startLoop(ended);
      return { stop: ({ leave }) => loop.stop({ leave }) };
    },
    opened(connection) {
      if (media) undo.push(followPlayerState(media, connection, openedWith));
      if (typeof tokenSource === "function" && token !== undefined) {
        undo.push(
          renewTokenOnSocket({
            tokenSource,
            token,
            connection,
            host,
            renewed: (renewedToken) => {
              token = renewedToken;
            },
            report,
          }),
        );
      }
    },
    socketEnded() {
      for (const cancel of undo) cancel();
      undo = [];
    },
    count: ({ viewers, estimated }) =>
      update({ stageId, viewers, estimated, transport: "websocket" }),
    report,
  };
}

/** The viewer token, or why there is none, as the heartbeat loop tells a failed token apart. */
async function viewerToken(
  source: TokenSource,
  refresh: boolean,
): Promise<{ token: string } | { failure: ConnectFailure }> {
  try {
    return { token: typeof source === "string" ? source : await source({ refresh }) };
  } catch (cause) {
    if (cause instanceof AnonymousSessionError) {
      const { problem, status, retryAfterMs } = cause;
      return { failure: { problem, status, retryAfterMs } };
    }
    return { failure: { problem: tokenProblem(cause), status: 0, cause } };
  }
}
