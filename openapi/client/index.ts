/**
 * The typed client of the viewer-presence API, for front ends (browser bundles) and Node.
 * Nothing here imports Node built-ins or touches a global at import time.
 *
 * ```ts
 * const loop = startHeartbeatLoop({
 *   baseUrl: "https://presence.example.com",
 *   stageId: "concert-42",
 *   token: () => getViewerToken(),
 *   onUpdate: (beat) => render(beat.viewers),
 * });
 * // later: await loop.stop();
 *
 * // Or over one WebSocket, counts pushed as they change, heartbeats where sockets cannot go:
 * const presence = startPresence({ baseUrl, stageId, token, onUpdate: (u) => render(u.viewers) });
 * ```
 */
export {
  ADMIN_OPERATIONS,
  type AdminOperation,
  adminKeyMiddleware,
  isAdminOperation,
} from "./admin-auth";
export { AnonymousSessionError, anonymousSessionToken } from "./anonymous-session";
export { BACKOFF_BASE_MS, BACKOFF_CAP_MS, type BackoffOptions, backoffDelayMs } from "./backoff";
export {
  createPresenceClient,
  type FetchLike,
  globalFetch,
  type PresenceClient,
  type PresenceClientOptions,
} from "./create-client";
export type {
  BeaconNavigator,
  HostOptions,
  PageLifecycleWindow,
  PageTransition,
  Timers,
  VisibilityDocument,
} from "./environment";
export { startHeartbeatLoop } from "./heartbeat-loop";
export {
  DEFAULT_REQUEST_TIMEOUT_MS,
  type HeartbeatLoop,
  type HeartbeatLoopBaseOptions,
  type HeartbeatLoopOptions,
  type HeartbeatLoopState,
  type HeartbeatLoopStatus,
  type LoopTransport,
  MIN_HEARTBEAT_INTERVAL_MS,
  type PlayerMedia,
  type PlayerState,
  playerStateOf,
  type TokenRequest,
  type TokenSource,
  type ViewerIdentity,
} from "./heartbeat-loop-options";
export {
  LEAVE_CONTENT_TYPE,
  type LeaveDispatch,
  leaveUrl,
  type SendLeaveOptions,
  sendLeave,
} from "./leave";
export {
  type AnyProblem,
  BAD_RESPONSE_PROBLEM_TYPE,
  type ClientProblemType,
  isRetryableStatus,
  type LoopProblem,
  NETWORK_PROBLEM_TYPE,
  TOKEN_PROBLEM_TYPE,
} from "./loop-problem";
export type {
  Presence,
  PresenceOptions,
  PresenceState,
  PresenceStatus,
  PresenceUpdate,
  SocketOptions,
} from "./presence-options";
export {
  DEFAULT_RECONNECT_SPREAD_MS,
  DEFAULT_SOCKET_RETRY_MS,
  reconnectDelayMs,
} from "./reconnect-delay";
export { MAX_RETRY_AFTER_MS, parseRetryAfterMs } from "./retry-after";
export type { SocketConstructor, SocketEvent, SocketLike } from "./socket-connection";
export type { PresenceTransport } from "./socket-plan";
export {
  presenceSocketUrl,
  SOCKET_PING,
  SOCKET_PONG,
  type SocketClientMessage,
  type SocketCountMessage,
  type SocketProblemMessage,
  type SocketServerMessage,
} from "./socket-protocol";
export { DEFAULT_POLL_EVERY_MS, MIN_POLL_EVERY_MS } from "./stage-viewers-poll";
export { startPresence } from "./start-presence";
export type {
  CreateStage,
  components,
  Health,
  Heartbeat,
  IssueViewerToken,
  operations,
  Problem,
  ProblemField,
  ProblemType,
  paths,
  Snapshot,
  SnapshotPage,
  Stage,
  StageList,
  StageViewers,
  UpdateStage,
  ViewerBody,
  ViewerToken,
  ViewerTotals,
  ViewingRecord,
  ViewingRecordPage,
} from "./types";
export { type StageWatch, type WatchStageOptions, watchStage } from "./watch-stage";
