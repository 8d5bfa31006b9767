import type { PresenceClient } from "./create-client";
import type { TokenRequest } from "./heartbeat-loop-options";
import { type AnyProblem, problemFromResponse } from "./loop-problem";
import { parseRetryAfterMs } from "./retry-after";
import { RENEW_BEFORE_EXPIRY_MS } from "./token-expiry";

/**
 * The server refused to start or renew the session. The heartbeat loop treats it as it treats a
 * refused heartbeat: 404, 403 and 410 stop it; 429 and 5xx are retried after `Retry-After`.
 */
export class AnonymousSessionError extends Error {
  override readonly name = "AnonymousSessionError";
  constructor(
    readonly problem: AnyProblem,
    readonly status: number,
    readonly retryAfterMs: number | undefined,
  ) {
    super(`startAnonymousSession: ${status} ${problem.detail ?? problem.title}`);
  }
}

/**
 * A token function for an anonymous viewer: starts an anonymous session on the first call
 * (`startAnonymousSession`), then hands out its token, renewing it shortly before it expires
 * (or when the server refused it) with the same viewer id. Share one between the tabs of a
 * browser (e.g. keep the token in `localStorage`) if they should count once; each call of this
 * function starts its own session.
 */
export function anonymousSessionToken(options: {
  client: PresenceClient;
  stageId: string;
  /** The clock, epoch ms (default `Date.now`). */
  now?: () => number;
}): (request: TokenRequest) => Promise<string> {
  const now = options.now ?? Date.now;
  let session: { token: string; expiresAtMs: number } | undefined;
  let renewing: Promise<string> | undefined;

  async function renew(): Promise<string> {
    const { data, error, response } = await options.client.POST(
      "/v1/stages/{stageId}/anonymous-sessions",
      {
        params: { path: { stageId: options.stageId } },
        body: session === undefined ? {} : { token: session.token },
      },
    );
    if (data === undefined) {
      // A session that cannot be renewed (the server's key changed): start a new one next time.
      if (response.status === 401 || response.status === 403) session = undefined;
      throw new AnonymousSessionError(
        problemFromResponse(error, response),
        response.status,
        parseRetryAfterMs(response.headers.get("Retry-After"), now()),
      );
    }
    session = { token: data.token, expiresAtMs: Date.parse(data.expiresAt) };
    return data.token;
  }

  return ({ refresh }) => {
    if (session !== undefined && !refresh && now() < session.expiresAtMs - RENEW_BEFORE_EXPIRY_MS) {
      return Promise.resolve(session.token);
    }
    renewing ??= renew().finally(() => {
      renewing = undefined;
    });
    return renewing;
  };
}
