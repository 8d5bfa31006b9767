import type { Problem, ProblemType } from "./types";

/** The `type` of a problem made on the client (no answer, a token that failed, a bad answer). */
export type ClientProblemType =
  | typeof NETWORK_PROBLEM_TYPE
  | typeof TOKEN_PROBLEM_TYPE
  | typeof BAD_RESPONSE_PROBLEM_TYPE
  | "about:blank";

/**
 * A problem document: the server's (its `type` one the contract lists), or one made on the
 * client when there was none.
 */
export type AnyProblem = Omit<Problem, "type"> & { type: ProblemType | ClientProblemType };

/**
 * A failure the heartbeat loop reports through `onError`: the server's problem document when
 * there was one, else one made on the client (`status` 0 for failures without a response).
 */
export interface LoopProblem extends AnyProblem {
  /** True when the loop has stopped because of this problem and will not try again. */
  fatal: boolean;
  /** When the loop tries again, in ms from now; absent when it does not. */
  retryInMs?: number;
  /** The thrown value behind a client-made problem (network failure, token function). */
  cause?: unknown;
}

/** `type` of the problem reported when no response came back (offline, DNS, CORS, timeout). */
export const NETWORK_PROBLEM_TYPE = "/problems/client/network" as const;
/** `type` of the problem reported when the `token` function threw or rejected. */
export const TOKEN_PROBLEM_TYPE = "/problems/client/token" as const;
/** `type` of the problem reported when a 2xx answer is not the contract's shape. */
export const BAD_RESPONSE_PROBLEM_TYPE = "/problems/client/bad-response" as const;

/**
 * Whether a refused heartbeat may succeed later without anything changing on the client: 408,
 * 429 and every 5xx (a 500 or a proxy's 502/504 is as passing as a 503). Other statuses (400,
 * 401, 403, 404, 410, 413, 415…) describe a request that will be refused again.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * The server's problem document for a non-2xx answer, or one made from the status line when the
 * body is not `application/problem+json` (an HTML page from a proxy, an empty body).
 */
export function problemFromResponse(error: unknown, response: Response): AnyProblem {
  if (isProblem(error)) return error;
  const problem: AnyProblem = {
    type: "about:blank",
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
  };
  if (typeof error === "string" && error !== "") problem.detail = error.slice(0, 200);
  return problem;
}

/** The problem for a request that got no answer: `fetch` threw (offline, DNS, CORS, abort). */
export function networkProblem(cause: unknown): AnyProblem {
  return {
    type: NETWORK_PROBLEM_TYPE,
    title: "Network error",
    status: 0,
    detail: messageOf(cause),
  };
}

/** The problem for a `token` function that threw or rejected. */
export function tokenProblem(cause: unknown): AnyProblem {
  return {
    type: TOKEN_PROBLEM_TYPE,
    title: "Could not get a viewer token",
    status: 0,
    detail: messageOf(cause),
  };
}

/** The problem for a 2xx answer whose body is not what the contract promises. */
export function badResponseProblem(response: Response): AnyProblem {
  return {
    type: BAD_RESPONSE_PROBLEM_TYPE,
    title: "Unexpected response",
    status: response.status,
    detail: "The heartbeat answer has no numeric nextHeartbeatInMs.",
  };
}

function isProblem(value: unknown): value is Problem {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.type === "string" &&
    typeof candidate.title === "string" &&
    typeof candidate.status === "number"
  );
}

function messageOf(cause: unknown): string {
  if (cause instanceof Error) return cause.message || cause.name;
  return String(cause);
}
