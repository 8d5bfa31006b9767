import type { PresenceClient } from "./create-client";
import type { BeaconNavigator } from "./environment";
import { type AnyProblem, networkProblem, problemFromResponse } from "./loop-problem";
import type { ViewerBody } from "./types";

/**
 * The content type of the leave body. `sendBeacon` with a string sends exactly this; the
 * fallback uses it too, because `text/plain` is CORS-safelisted: no preflight, which a request
 * made while the page unloads may not live long enough to complete.
 */
export const LEAVE_CONTENT_TYPE = "text/plain;charset=UTF-8";

/** The `leaveStage` URL for a beacon: `${baseUrl}/v1/stages/${stageId}/leave`, id encoded. */
export function leaveUrl(baseUrl: string, stageId: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/v1/stages/${encodeURIComponent(stageId)}/leave`;
}

export interface SendLeaveOptions {
  /** Used for the fallback request, so it goes through the caller's `fetch` and middleware. */
  client: PresenceClient;
  /** The same base URL the client uses; the beacon needs a plain URL. */
  baseUrl: string;
  stageId: string;
  /** `{ token }`: a beacon cannot set `Authorization`. */
  body: ViewerBody;
  navigator?: BeaconNavigator | undefined;
  /** Aborts the fallback request (a timeout); the beacon cannot be aborted. */
  signal?: AbortSignal | undefined;
}

/** How the leave went out; for `fetch`, `problem` settles with the failure, if any (never rejects). */
export type LeaveDispatch =
  | { transport: "beacon" }
  | { transport: "fetch"; problem: Promise<AnyProblem | undefined> };

/**
 * Sends `leaveStage` in a way that survives the page going away: `navigator.sendBeacon(url,
 * json)` when the browser has it and accepts the beacon (it returns false when its queue is
 * full), else a `fetch` with `keepalive: true`. The beacon is queued before this returns, so it
 * is safe to call from a `pagehide` listener.
 */
export function sendLeave(options: SendLeaveOptions): LeaveDispatch {
  const text = JSON.stringify(options.body);
  if (tryBeacon(options.navigator, leaveUrl(options.baseUrl, options.stageId), text)) {
    return { transport: "beacon" };
  }
  const problem = options.client
    .POST("/v1/stages/{stageId}/leave", {
      params: { path: { stageId: options.stageId } },
      body: options.body,
      bodySerializer: () => text,
      headers: { "Content-Type": LEAVE_CONTENT_TYPE },
      keepalive: true,
      signal: options.signal ?? null,
    })
    .then(
      ({ error, response }) => (response.ok ? undefined : problemFromResponse(error, response)),
      (cause: unknown) => networkProblem(cause),
    );
  return { transport: "fetch", problem };
}

function tryBeacon(navigator: BeaconNavigator | undefined, url: string, text: string): boolean {
  if (typeof navigator?.sendBeacon !== "function") return false;
  try {
    return navigator.sendBeacon(url, text);
  } catch {
    // Some browsers throw instead of returning false (a URL they refuse, a body over quota):
    // either way the keepalive fetch is the way left.
    return false;
  }
}
