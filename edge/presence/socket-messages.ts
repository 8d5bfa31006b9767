import type { HeartbeatAcceptance } from "@viewer-presence/shared/heartbeat-acceptance";
import {
  closeCodeOf,
  type SocketClientMessage,
  SocketClientMessageSchema,
  type SocketServerMessage,
} from "../../openapi/schemas/presence-socket";
import type { ProblemCode } from "../../openapi/schemas/problem";
import type { StageViewers } from "../isolate/count-memory";
import type { HibernatingWebSocket } from "../worker-types";

/**
 * The presence socket's messages as the shard sends and reads them (the schemas are the
 * protocol's one definition, openapi/schemas/presence-socket.ts).
 */

/** A client's message read, or why it cannot be. */
export function readClientMessage(
  message: string | ArrayBuffer,
): { ok: true; message: SocketClientMessage } | { ok: false; reason: string } {
  if (typeof message !== "string") return { ok: false, reason: "messages are JSON text frames" };
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return { ok: false, reason: "the message is not JSON" };
  }
  const parsed = SocketClientMessageSchema.safeParse(json);
  if (!parsed.success) {
    return { ok: false, reason: "the message is not a state, token or leave message" };
  }
  return { ok: true, message: parsed.data };
}

/** The count message for a stage. */
export function countMessage(
  stageId: string,
  count: StageViewers,
  pingEveryMs: number,
): SocketServerMessage {
  return {
    type: "count",
    stageId,
    viewers: count.viewers,
    estimated: count.estimated,
    asOf: new Date(count.asOfMs).toISOString(),
    pingEveryMs,
  };
}

/** A problem the socket is closed for, with the close code 4000 + status. */
export interface SocketProblem {
  status: 400 | 401 | 403 | 404 | 410 | 429 | 503;
  code: ProblemCode;
  title: string;
  detail: string;
}

/** Sends the problem, then closes the socket with 4000 + its status. Never throws. */
export function closeWithProblem(socket: HibernatingWebSocket, problem: SocketProblem): void {
  const message: SocketServerMessage = {
    type: "problem",
    problem: {
      type: `/problems/${problem.code}`,
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
    },
  };
  try {
    socket.send(JSON.stringify(message));
    socket.close(closeCodeOf(problem.status), problem.title);
  } catch {
    // Already closing: the client is gone, and the problem with it.
  }
}

/** Closes a socket without a problem (1000: left, or silent), never throwing. */
export function closeQuietly(socket: HibernatingWebSocket, code: number, reason: string): void {
  try {
    socket.close(code, reason);
  } catch {
    // Already closed.
  }
}

/** The problem for a socket whose viewer the stage no longer takes (the one rule's reason). */
export function refusalProblem(stageId: string, reason: HeartbeatAcceptance): SocketProblem {
  if (reason === "anonymous-refused") {
    return {
      status: 403,
      code: "forbidden",
      title: "Forbidden",
      detail: `Stage "${stageId}" does not allow anonymous viewers any more.`,
    };
  }
  return {
    status: 410,
    code: "stage_ended",
    title: "Stage ended",
    detail: `Stage "${stageId}" has ended.`,
  };
}

export const SOCKET_PROBLEMS = {
  badMessage: (reason: string): SocketProblem => ({
    status: 400,
    code: "validation",
    title: "Invalid message",
    detail: `${reason}; see SocketClientMessage in the contract.`,
  }),
  tokenExpired: (): SocketProblem => ({
    status: 401,
    code: "unauthorized",
    title: "Unauthorized",
    detail:
      "The viewer token expired: get a new one and reconnect (or renew it with a token message before it expires).",
  }),
  tokenRefused: (detail: string): SocketProblem => ({
    status: 401,
    code: "unauthorized",
    title: "Unauthorized",
    detail,
  }),
  noStage: (stageId: string): SocketProblem => ({
    status: 404,
    code: "not_found",
    title: "Not found",
    detail: `There is no stage "${stageId}".`,
  }),
};
