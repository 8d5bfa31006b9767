/**
 * A page's presence socket as a test or a load driver holds it, over Node's global WebSocket
 * (Node 22+), against `wrangler dev`: the counts pushed to it, when each arrived, and how it
 * closed. Pings as the protocol asks (`pingEveryMs`), never more often.
 */
import { request } from "node:http";

export interface PresencePage {
  socket: WebSocket;
  /** Every count pushed, with when it arrived (performance.now(), ms). */
  counts: { viewers: number; estimated: boolean; atMs: number }[];
  problems: { status: number; type: string }[];
  /** The close code, once closed. */
  closed: Promise<number>;
  /** Resolves with the first pushed count `accept` takes, and when it arrived. */
  countWhere(
    accept: (viewers: number) => boolean,
    timeoutMs?: number,
  ): Promise<{ viewers: number; atMs: number }>;
  close(): void;
}

/**
 * Opens a presence socket (`query`: `token=…` or `watch=true`); rejects if the upgrade fails.
 * `headers` go with the upgrade request (a test gives its sockets the user agent its HTTP
 * viewers send, so both are the same device class).
 */
export function openPresencePage(
  baseUrl: string,
  stageId: string,
  query: string,
  headers?: Record<string, string>,
): Promise<PresencePage> {
  const url = `${baseUrl.replace(/^http/, "ws")}/v1/stages/${stageId}/presence?${query}`;
  // Node's WebSocket (undici) takes `{ headers }` as its second argument; the DOM typings the
  // project compiles with know only `protocols` there.
  const socket =
    headers === undefined
      ? new WebSocket(url)
      : new WebSocket(url, { headers } as unknown as string[]);
  const counts: PresencePage["counts"] = [];
  const problems: PresencePage["problems"] = [];
  let pinger: ReturnType<typeof setInterval> | undefined;
  const waiters = new Set<() => void>();
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data));
    if (message.type === "count") {
      counts.push({
        viewers: message.viewers,
        estimated: message.estimated,
        atMs: performance.now(),
      });
      pinger ??= setInterval(() => socket.send('{"type":"ping"}'), message.pingEveryMs);
    }
    if (message.type === "problem") problems.push(message.problem);
    for (const wake of waiters) wake();
  });
  const closed = new Promise<number>((resolve) => {
    socket.addEventListener("close", (event) => {
      clearInterval(pinger);
      resolve(event.code);
      for (const wake of waiters) wake();
    });
  });
  const page: PresencePage = {
    socket,
    counts,
    problems,
    closed,
    countWhere(accept, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = counts.find((count) => accept(count.viewers));
          if (found === undefined) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no count accepted within ${timeoutMs} ms: ${JSON.stringify(counts)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close() {
      clearInterval(pinger);
      socket.close(1000, "page closed");
    },
  };
  return new Promise((resolve, reject) => {
    socket.addEventListener("open", () => resolve(page), { once: true });
    socket.addEventListener("error", () => reject(new Error(`upgrade refused: ${url}`)), {
      once: true,
    });
  });
}

/** Sends an upgrade with node:http and answers the status and content type of a refusal. */
export function tryUpgrade(
  baseUrl: string,
  path: string,
): Promise<{ status: number; contentType: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}${path}`, {
      headers: {
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
      },
    });
    req.on("response", (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0, contentType: response.headers["content-type"] });
    });
    req.on("upgrade", (response, upgraded) => {
      upgraded.destroy();
      resolve({ status: response.statusCode ?? 101, contentType: undefined });
    });
    req.on("error", reject);
    req.end();
  });
}
