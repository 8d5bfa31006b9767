import type { PlayerState } from "./heartbeat-loop-options";
import type { Problem } from "./types";

/**
 * The presence socket's wire protocol as the client needs it. The one definition is the zod
 * schemas of `openapi/schemas/presence-socket.ts`; the client cannot import them (it ships
 * without zod, and the package holds no schema source), so the few constants and types it uses
 * are restated here, and `socket-protocol.test.ts` checks them against the schemas: the types
 * with `expectTypeOf`, the guard against zod's own parse.
 */

/** The exact keepalive text; the server's auto-response answers it without waking the object. */
export const SOCKET_PING = '{"type":"ping"}';
/** The exact answer to {@link SOCKET_PING}. */
export const SOCKET_PONG = '{"type":"pong"}';
/** Close code of a viewer who left (our `leave`, or the server closing a silent socket). */
export const SOCKET_CLOSE_LEFT = 1000;
/** Close codes `4000 + status` follow a `problem` message with that HTTP status. */
export const SOCKET_CLOSE_PROBLEM_BASE = 4000;

/** Server → client: the stage's count, sent when the socket opens and whenever it changes. */
export interface SocketCountMessage {
  type: "count";
  stageId: string;
  viewers: number;
  /** True while the figure is a restore estimate (as in `getStageViewers`). */
  estimated: boolean;
  /** When the figure was true, ISO 8601. */
  asOf: string;
  /** Send {@link SOCKET_PING} this often, in ms; a socket silent for two of these is closed. */
  pingEveryMs: number;
}

/** Server → client: why the socket is about to close (with code `4000 + problem.status`). */
export interface SocketProblemMessage {
  type: "problem";
  problem: Problem;
}

export type SocketServerMessage = SocketCountMessage | SocketProblemMessage;

export type SocketClientMessage =
  | { type: "state"; state: PlayerState }
  | { type: "token"; token: string }
  | { type: "leave" };

/**
 * A server frame read: a count, a problem, the pong, or `undefined` for anything else (a frame
 * this client does not know is ignored rather than fatal, so the server may add message types).
 */
export function parseServerFrame(data: unknown): SocketServerMessage | "pong" | undefined {
  if (typeof data !== "string") return undefined;
  if (data === SOCKET_PONG) return "pong";
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (isCountMessage(value) || isProblemMessage(value)) return value;
  return undefined;
}

/** Whether `value` is a count message as the schema defines it (no extra members). */
export function isCountMessage(value: unknown): value is SocketCountMessage {
  if (!hasExactly(value, ["type", "stageId", "viewers", "estimated", "asOf", "pingEveryMs"])) {
    return false;
  }
  const { type, stageId, viewers, estimated, asOf, pingEveryMs } = value;
  return (
    type === "count" &&
    typeof stageId === "string" &&
    /^[A-Za-z0-9_-]{1,64}$/.test(stageId) &&
    isWholeAtLeast(viewers, 0) &&
    typeof estimated === "boolean" &&
    typeof asOf === "string" &&
    ISO_UTC.test(asOf) &&
    isWholeAtLeast(pingEveryMs, 1000)
  );
}

/** Whether `value` is a problem message (its problem has the RFC 9457 members the client reads). */
export function isProblemMessage(value: unknown): value is SocketProblemMessage {
  if (!hasExactly(value, ["type", "problem"]) || value.type !== "problem") return false;
  const problem = value.problem;
  return (
    isRecord(problem) &&
    typeof problem.type === "string" &&
    problem.type.startsWith("/problems/") &&
    typeof problem.title === "string" &&
    Number.isInteger(problem.status) &&
    (problem.detail === undefined || typeof problem.detail === "string")
  );
}

/** `z.iso.datetime()`: UTC with `Z`, seconds, optional fraction. */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function hasExactly(value: unknown, keys: string[]): value is Record<string, unknown> {
  if (!isRecord(value)) return false;
  const own = Object.keys(value);
  return own.length === keys.length && keys.every((key) => Object.hasOwn(value, key));
}

function isWholeAtLeast(value: unknown, min: number): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= min;
}

/** Where the presence socket opens (`ws:`/`wss:` for `http:`/`https:`). */
export function presenceSocketUrl(options: {
  baseUrl: string;
  stageId: string;
  query: Record<string, string>;
}): string {
  const base = options.baseUrl.replace(/\/+$/, "").replace(/^http(s?):/i, "ws$1:");
  const query = new URLSearchParams(options.query).toString();
  const path = `${base}/v1/stages/${encodeURIComponent(options.stageId)}/presence`;
  return query === "" ? path : `${path}?${query}`;
}
