import type { PresenceClient } from "./create-client";
import type { Timers } from "./environment";
import type { PlayerState } from "./heartbeat-loop-options";
import {
  type AnyProblem,
  badResponseProblem,
  networkProblem,
  problemFromResponse,
} from "./loop-problem";
import { withTimeout } from "./request-timeout";
import { parseRetryAfterMs } from "./retry-after";
import type { Heartbeat } from "./types";

/** What one heartbeat request came to. `status` is 0 when no response came back. */
export type HeartbeatResult =
  | { kind: "counted"; heartbeat: Heartbeat }
  | { kind: "failed"; problem: AnyProblem; status: number; retryAfterMs?: number; cause?: unknown };

export interface HeartbeatRequest {
  client: PresenceClient;
  stageId: string;
  /** Sent as `Authorization: Bearer`. */
  token: string;
  /** What the player is doing; absent means playing. */
  state?: PlayerState | undefined;
  /** The last answer's `ticket` (saves the server a lookup); absent on the first heartbeat. */
  ticket?: string | undefined;
  timers: Timers;
  /** Abort and report a network failure after this many ms. */
  timeoutMs: number;
  /** The current time in ms since the epoch, for a `Retry-After` given as a date. */
  now: () => number;
}

/**
 * Sends one `sendHeartbeat` and says how it went; never rejects. A 2xx whose body lacks a
 * numeric `nextHeartbeatInMs` counts as a failure, so a broken proxy cannot make the loop spin.
 */
export async function requestHeartbeat(request: HeartbeatRequest): Promise<HeartbeatResult> {
  const { client, stageId, token } = request;
  try {
    const { data, error, response } = await withTimeout(
      request.timers,
      request.timeoutMs,
      (signal) =>
        client.POST("/v1/stages/{stageId}/heartbeats", {
          params: {
            path: { stageId },
            query: {
              ...(request.state === undefined ? {} : { state: request.state }),
              ...(request.ticket === undefined ? {} : { ticket: request.ticket }),
            },
          },
          headers: { Authorization: `Bearer ${token}` },
          signal,
        }),
    );
    if (response.ok) {
      if (typeof data?.nextHeartbeatInMs === "number") {
        return { kind: "counted", heartbeat: data };
      }
      return { kind: "failed", problem: badResponseProblem(response), status: response.status };
    }
    return {
      kind: "failed",
      problem: problemFromResponse(error, response),
      status: response.status,
      retryAfterMs: parseRetryAfterMs(response.headers.get("Retry-After"), request.now()),
    };
  } catch (cause) {
    return { kind: "failed", problem: networkProblem(cause), status: 0, cause };
  }
}
