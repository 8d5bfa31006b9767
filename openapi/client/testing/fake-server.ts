import type { Heartbeat } from "../types";

type Responder = (request: Request) => Response | Promise<Response>;

/** A recorded request, with its body read as text. */
export interface Recorded {
  request: Request;
  body: string;
}

/**
 * A fake `fetch` standing in for the worker: heartbeats are answered from a queue the test
 * fills, leaves with 204 (or `leaveResponder`). It records every request and the most requests
 * ever in flight at once, and honours `request.signal` like a real fetch.
 */
export class FakeServer {
  readonly heartbeats: Recorded[] = [];
  readonly leaves: Recorded[] = [];
  /** `startAnonymousSession` requests; answered by `sessionResponder`. */
  readonly sessions: Recorded[] = [];
  sessionResponder: Responder = anonymousSession();
  /** Heartbeats on the wire now, and the most there ever were at once. */
  inFlight = 0;
  maxInFlight = 0;
  leaveResponder: Responder = () => new Response(null, { status: 204 });
  private queue: Responder[] = [];

  /** Queues the answers to the next heartbeats, in order. */
  reply(...responders: Responder[]): this {
    this.queue.push(...responders);
    return this;
  }

  /** Requests that found no queued answer; a test that ends with some here is wrong. */
  readonly unexpected: string[] = [];

  /** `getStageViewers` requests (a watcher's polls); answered from `replyViewers`'s queue. */
  readonly reads: Recorded[] = [];
  private readsQueue: Responder[] = [];

  /** Queues the answers to the next `getStageViewers` reads, in order. */
  replyViewers(...responders: Responder[]): this {
    this.readsQueue.push(...responders);
    return this;
  }

  readonly fetch = async (request: Request): Promise<Response> => {
    const { pathname } = new URL(request.url);
    if (request.method === "GET" && pathname.endsWith("/viewers")) {
      this.reads.push({ request, body: "" });
      const responder = this.readsQueue.shift();
      if (responder !== undefined) return responder(request);
      this.unexpected.push(`${request.method} ${request.url}`);
      throw new Error(`unexpected request: ${request.method} ${request.url}`);
    }
    if (pathname.endsWith("/anonymous-sessions")) {
      this.sessions.push({ request, body: await request.clone().text() });
      return this.sessionResponder(request);
    }
    const isLeave = new URL(request.url).pathname.endsWith("/leave");
    if (!isLeave) {
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    }
    try {
      const recorded = { request, body: await request.clone().text() };
      (isLeave ? this.leaves : this.heartbeats).push(recorded);
      const responder = isLeave ? this.leaveResponder : this.queue.shift();
      if (responder === undefined) {
        this.unexpected.push(`${request.method} ${request.url}`);
        throw new Error(`unexpected request: ${request.method} ${request.url}`);
      }
      return await abortable(request.signal, Promise.resolve(responder(request)));
    } finally {
      if (!isLeave) this.inFlight--;
    }
  };
}

function abortable<T>(signal: AbortSignal, work: Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    work.then(resolve, reject);
  });
}

/** A 200 `sendHeartbeat` answer, shaped as in openapi.json. */
export function heartbeat(nextHeartbeatInMs: number, viewers = 3): Responder {
  const body: Heartbeat = {
    stageId: "concert-42",
    viewerId: "user-1234",
    viewers,
    estimated: false,
    asOf: "2026-11-27T21:30:00.000Z",
    nextHeartbeatInMs,
    ticket: "493612.0.0.AAAAAAAAAAAAAAAAAAAAAA",
  };
  return () => Response.json(body, { status: 200 });
}

/** A 200 `getStageViewers` answer with its `Cache-Control` (the edge's is `public, max-age=5`). */
export function stageViewers(viewers: number, cacheControl = "public, max-age=5"): Responder {
  return () =>
    Response.json(
      { stageId: "concert-42", viewers, estimated: false, asOf: "2026-12-07T12:00:00.000Z" },
      { status: 200, headers: { "Cache-Control": cacheControl } },
    );
}

/** A 201 `startAnonymousSession` answer: tokens `anon-tok-1`, `anon-tok-2`, ... */
export function anonymousSession(expiresAt = "2099-01-01T00:00:00.000Z"): Responder {
  let issued = 0;
  return () =>
    Response.json(
      {
        token: `anon-tok-${++issued}`,
        viewerId: "~AAAAAAAAAAAAAAAAAAAAAA",
        stageId: "concert-42",
        expiresAt,
      },
      { status: 201 },
    );
}

/** An `application/problem+json` answer, with `Retry-After` in seconds when given. */
export function problem(status: number, retryAfter?: string): Responder {
  return () => {
    const headers = new Headers({ "Content-Type": "application/problem+json" });
    if (retryAfter !== undefined) headers.set("Retry-After", retryAfter);
    const body = {
      type: `/problems/http-${status}`,
      title: `Status ${status}`,
      status,
      detail: "test",
    };
    return new Response(JSON.stringify(body), { status, headers });
  };
}

/** A fetch that fails the way a real one does when offline. */
export function networkFailure(): Responder {
  return () => Promise.reject(new TypeError("fetch failed"));
}

/** A response held open until the test calls `release()`. */
export function held(responder: Responder): { respond: Responder; release: () => void } {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    respond: async (request) => gate.then(() => responder(request)),
    release: () => release(),
  };
}
