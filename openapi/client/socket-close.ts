import { type AnyProblem, isRetryableStatus, NETWORK_PROBLEM_TYPE } from "./loop-problem";
import { SOCKET_CLOSE_LEFT, SOCKET_CLOSE_PROBLEM_BASE } from "./socket-protocol";

/**
 * What a close of an open presence socket calls for:
 * - `reconnect`: the server went away or is busy (1001, 1006, 1011, 1012, 4429, 4503, 1000
 *   from the server, any other code); `serverWentAway` for a restart or deploy (1001, 1006,
 *   1012), whose first reconnect is spread over a random delay so pages do not come back
 *   together;
 * - `refresh`: 4401, the token expired or is not valid: get a fresh one and reconnect;
 * - `fatal`: 4400, 4403, 4404, 4410 and every other 4xxx of a status that retrying cannot fix.
 */
export type SocketCloseOutcome =
  | { kind: "reconnect"; serverWentAway: boolean }
  | { kind: "refresh" }
  | { kind: "fatal" };

/** Codes of a server going away: a deploy or restart closes every socket with one of them. */
const SERVER_WENT_AWAY = new Set([1001, 1006, 1012]);

export function socketCloseOutcome(code: number): SocketCloseOutcome {
  const status = problemStatusOf(code);
  if (status === 401) return { kind: "refresh" };
  if (status !== undefined && !isRetryableStatus(status)) return { kind: "fatal" };
  return { kind: "reconnect", serverWentAway: SERVER_WENT_AWAY.has(code) };
}

/** The HTTP status a `4000 + status` close code carries, if it is one. */
export function problemStatusOf(code: number): number | undefined {
  const status = code - SOCKET_CLOSE_PROBLEM_BASE;
  return status >= 400 && status <= 599 ? status : undefined;
}

/**
 * The problem to report for a close: the server's `problem` message when it sent one, else one
 * made from the close code and reason (status 0 for closes that carry no HTTP status).
 */
export function closeProblem(
  code: number,
  reason: string,
  sent: AnyProblem | undefined,
): AnyProblem {
  if (sent !== undefined) return sent;
  const status = problemStatusOf(code);
  if (status !== undefined) {
    const problem: AnyProblem = { type: "about:blank", title: `HTTP ${status}`, status };
    if (reason !== "") problem.detail = reason;
    return problem;
  }
  return {
    type: NETWORK_PROBLEM_TYPE,
    title: code === SOCKET_CLOSE_LEFT ? "Socket closed by the server" : "Socket closed",
    status: 0,
    detail: reason === "" ? `close code ${code}` : `close code ${code}: ${reason}`,
  };
}

/** The problem for a socket that closed before it opened (refused upgrade, no route, offline). */
export function handshakeProblem(code: number): AnyProblem {
  return {
    type: NETWORK_PROBLEM_TYPE,
    title: "WebSocket handshake failed",
    status: 0,
    detail: `closed before opening (code ${code})`,
  };
}
