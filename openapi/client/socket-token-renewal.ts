import { AnonymousSessionError } from "./anonymous-session";
import { backoffDelayMs } from "./backoff";
import type { Host } from "./environment";
import type { TokenRequest } from "./heartbeat-loop-options";
import { type LoopProblem, tokenProblem } from "./loop-problem";
import type { SocketConnection } from "./socket-connection";
import { renewInMs, tokenExpiresAtMs } from "./token-expiry";

export interface TokenRenewalOptions {
  /** The token function (a fixed token cannot be renewed: the server then closes with 4401). */
  tokenSource: (request: TokenRequest) => string | Promise<string>;
  /** The token the socket opened with. */
  token: string;
  connection: SocketConnection;
  host: Host;
  /** Told of each new token, so a reconnect opens with it. */
  renewed: (token: string) => void;
  report: (problem: LoopProblem) => void;
}

/**
 * Keeps an open socket's token fresh: a minute before the token's `exp` (read without verifying;
 * a token without one is never renewed here, and the server's 4401 does it), asks the token
 * function for a new one and sends it as a `token` message. If the function hands back the same
 * token (it caches until told otherwise), it is asked again with `refresh: true`. A failure is
 * reported and tried again with backoff; if the token expires meanwhile, the server closes with
 * 4401 and the reconnect gets a fresh one. Returns the function that cancels it.
 */
export function renewTokenOnSocket(options: TokenRenewalOptions): () => void {
  const { host, connection } = options;
  let current = options.token;
  let timer: unknown;
  let failures = 0;
  let cancelled = false;

  function schedule(): void {
    const expiresAtMs = tokenExpiresAtMs(current);
    if (expiresAtMs === undefined) return;
    timer = host.timers.setTimeout(() => void renew(), renewInMs(expiresAtMs, host.now()));
  }

  async function fresh(): Promise<string> {
    const token = await options.tokenSource({ refresh: false });
    return token === current ? options.tokenSource({ refresh: true }) : token;
  }

  async function renew(): Promise<void> {
    let token: string;
    try {
      token = await fresh();
    } catch (cause) {
      if (cancelled) return;
      const problem = cause instanceof AnonymousSessionError ? cause.problem : tokenProblem(cause);
      const delayMs = backoffDelayMs({ attempt: failures, random: host.random });
      failures += 1;
      timer = host.timers.setTimeout(() => void renew(), delayMs);
      options.report({ ...problem, cause, fatal: false, retryInMs: delayMs });
      return;
    }
    if (cancelled) return;
    failures = 0;
    current = token;
    options.renewed(token);
    connection.send({ type: "token", token });
    schedule();
  }

  schedule();
  return () => {
    cancelled = true;
    host.timers.clearTimeout(timer);
  };
}
