/**
 * An Upstash-compatible REST endpoint over a real redis-server, for tests and benchmarks.
 *
 * Protocol (what @upstash/redis 1.39 sends and expects, read from its source):
 * - every call is `POST` with a JSON body and `Authorization: Bearer <token>` (else 401 `{error}`);
 * - `/` runs one command (`["ZADD","k","1","m"]`) and answers `{result}`, or HTTP 400
 *   `{error}` carrying Redis' error text unchanged (the client's EVALSHA -> EVAL fallback looks
 *   for "NOSCRIPT" in it);
 * - `/pipeline` runs an array of commands and answers HTTP 200 with one `{result}` or `{error}`
 *   per command;
 * - `/multi-exec` runs them inside MULTI/EXEC and answers like a pipeline, one entry per
 *   command inside; a transaction Redis discards (EXECABORT) is HTTP 400 `{error}`;
 * - with `Upstash-Encoding: base64` every string in a result is base64 of its raw bytes
 *   (nested arrays too) except a result that is exactly the status reply "OK"; integers stay
 *   JSON numbers and nil is null. Without the header strings are UTF-8 text.
 * Arguments may be JSON strings, numbers or booleans; all travel to Redis as bulk strings.
 * Commands that would change the shared connection's state (MULTI, WATCH, SUBSCRIBE, SELECT,
 * ...) are refused with 400.
 *
 * Counting (what Upstash bills), `stats()`:
 * - `requests`: HTTP requests that reached Redis (not 401s, malformed bodies, `/__stats`,
 *   requests refused while paused, or throttled ones);
 * - `requestBytes` / `responseBytes`: HTTP body bytes of those requests and their replies;
 * - `commands`: Redis commands those requests cost. Each request's commands are written to
 *   the one RESP connection as `INFO stats`, the commands, `INFO stats`, in one write, and the
 *   cost is the rise of `total_commands_processed` between the two INFO replies minus the
 *   INFO calls themselves (measured once at start, it is 1: Redis counts a command after it
 *   replies, so the second INFO's figure includes the first INFO but not itself). That makes a
 *   script cost 1 (EVAL/EVALSHA, even a failed NOSCRIPT EVALSHA) plus every `redis.call` it
 *   ran, and a transaction cost its commands plus MULTI and EXEC: this proxy bills MULTI and
 *   EXEC because a TCP client sends them as commands too, so the figure is an upper bound
 *   rather than a guess that might undercount. Redis does not count commands it rejects before
 *   running (unknown command, wrong arity, queued commands of a discarded transaction), so the
 *   cost is at least the number of top-level commands in the request:
 *   `max(measured, commands sent)` (a request mixing a rejected command with a script can
 *   still come out short by the rejected ones). Commands that other clients of the same
 *   redis-server run during a request are counted too: give the proxy its own redis-server.
 * - `throttled`: requests refused by the commands-per-second cap (below); they reach no Redis
 *   and count in nothing else.
 *
 * Commands-per-second cap (`maxCommandsPerSecond`, absent = none), as an Upstash plan has: a
 * request that would take the commands of the last second over the cap waits, in line, until
 * there is room (`delayed`), and fails before it reaches Redis only after `maxThrottleWaitMs`
 * (or at once with 0), with the error and HTTP shape test/stack/upstash-throughput.ts describes
 * (what Upstash documents, what was chosen where it does not, and how @upstash/redis reacts).
 *
 * Redis failing: the proxy keeps one RESP connection at a time (test/stack/reconnecting-resp.ts).
 * Requests whose commands were on a connection that failed answer HTTP 500 `{error}` (their
 * commands may or may not have run); the next request reconnects. A stalled redis-server
 * (SIGSTOP) leaves requests waiting until it runs again. A client that gives up (its deadline)
 * closes its connection, but its commands were already written to Redis: they still run when
 * Redis runs again, as on Upstash, and the request counts in `waiting()` until then.
 *
 * `GET /__waiting` answers `{ "waiting": n }`, the `waiting()` count, for benchmarks whose stack
 * runs in another process.
 *
 * Outage simulation: `pause()` makes every request (except `/__stats`) end with its socket
 * destroyed, which `fetch` reports as a network error ("fetch failed", "other side closed"),
 * as a real connection reset would; `resume()` ends it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { reconnectingResp } from "./reconnecting-resp";
import type { RespValue } from "./resp";
import { type Mode, shapeReply } from "./upstash-reply";
import { throughputLimiter } from "./upstash-throughput";

export interface UpstashProxyOptions {
  /** Port of the redis-server to proxy (on `redisHost`). */
  redisPort: number;
  /** Default "127.0.0.1". */
  redisHost?: string;
  /** The bearer token clients must send. */
  token: string;
  /** HTTP port on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
  /**
   * Refuse requests that would take the commands of the last second (a sliding window) over
   * this many, as an Upstash plan caps a database's commands per second. Absent: no cap.
   */
  maxCommandsPerSecond?: number;
  /**
   * How long a request over the cap waits for room before it fails, in ms (default
   * {@link DEFAULT_THROTTLE_WAIT_MS}); 0 refuses it at once. See test/stack/upstash-throughput.ts.
   */
  maxThrottleWaitMs?: number;
  /** The cap's clock in ms (default `performance.now`), for tests. */
  now?: () => number;
}

/**
 * How long a request over a database's cap waits before it fails, by default, in ms: 5,000,
 * longer than any edge deadline (1-2 s), so an edge call over the cap runs out of its own
 * deadline first, as it would against a database that throttles by slowing down. Upstash does
 * not document its backoff's length; this is a choice.
 */
export const DEFAULT_THROTTLE_WAIT_MS = 5_000;

export interface UpstashStats {
  requests: number;
  commands: number;
  requestBytes: number;
  responseBytes: number;
  /** Requests refused by `maxCommandsPerSecond` (counted in nothing else). */
  throttled: number;
  /** Requests the cap made wait before they ran (counted as requests too). */
  delayed: number;
  /** The time those requests waited, summed, in ms. */
  delayedMs: number;
}

/** Counts of nothing: what a proxy starts with and is reset to. */
export function noUpstashStats(): UpstashStats {
  return {
    requests: 0,
    commands: 0,
    requestBytes: 0,
    responseBytes: 0,
    throttled: 0,
    delayed: 0,
    delayedMs: 0,
  };
}

export interface UpstashProxyHandle {
  /** Base URL, e.g. `http://127.0.0.1:41234` (what `UPSTASH_REDIS_REST_URL` should be). */
  url: string;
  token: string;
  port: number;
  /** Cumulative counts since start or the last reset. */
  stats(): UpstashStats;
  resetStats(): void;
  /**
   * Requests whose commands were sent to Redis and are not answered yet: with Redis stalled,
   * every request that reached it since, including those whose client gave up.
   */
  waiting(): number;
  /** Sets (or, with `undefined`, lifts) the commands-per-second cap from now on. */
  setMaxCommandsPerSecond(max: number | undefined, maxThrottleWaitMs?: number): void;
  /** Simulates an outage: requests get their connection destroyed until `resume()`. */
  pause(): void;
  resume(): void;
  /** Closes the HTTP server (and its open connections) and the RESP connection. */
  stop(): Promise<void>;
}

type Command = string[];

const INFO: Command = ["INFO", "stats"];

/** Commands that would change or block the one shared connection for everyone. */
const REFUSED = new Set([
  "MULTI",
  "EXEC",
  "DISCARD",
  "WATCH",
  "UNWATCH",
  "SUBSCRIBE",
  "PSUBSCRIBE",
  "SSUBSCRIBE",
  "UNSUBSCRIBE",
  "PUNSUBSCRIBE",
  "SUNSUBSCRIBE",
  "MONITOR",
  "SELECT",
  "QUIT",
  "RESET",
  "HELLO",
  "AUTH",
  "CLIENT",
  "SYNC",
  "PSYNC",
]);

const MODES = new Map<string, Mode>([
  ["/", "single"],
  ["/pipeline", "pipeline"],
  ["/multi-exec", "multi-exec"],
]);

class BadRequest extends Error {}

/**
 * Starts the proxy on 127.0.0.1 over one RESP connection to `redisPort`, reopened after a
 * failure, so the proxy outlives a redis-server that was killed and restarted on the same port.
 */
export async function startUpstashProxy(opts: UpstashProxyOptions): Promise<UpstashProxyHandle> {
  const redis = reconnectingResp(opts.redisPort, opts.redisHost ?? "127.0.0.1");
  const [first, second] = await redis.send([INFO, INFO]);
  const infoOverhead = commandsProcessed(second) - commandsProcessed(first);
  let stats = noUpstashStats();
  let waiting = 0;
  let paused = false;
  const limiterFor = (max: number | undefined) =>
    max === undefined ? undefined : throughputLimiter(max, opts.now);
  let limiter = limiterFor(opts.maxCommandsPerSecond);
  let maxThrottleWaitMs = opts.maxThrottleWaitMs ?? DEFAULT_THROTTLE_WAIT_MS;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent) send(res, 500, { error: `ERR proxy: ${message}` });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://proxy").pathname.replace(/\/+$/, "") || "/";
    if (path === "/__stats" && req.method === "GET") return void send(res, 200, { ...stats });
    if (path === "/__waiting" && req.method === "GET") return void send(res, 200, { waiting });
    if (path === "/__stats/reset" && req.method === "POST") {
      stats = noUpstashStats();
      return void send(res, 200, { ...stats });
    }
    // For benchmarks whose stack runs in another process: `{ "maxCommandsPerSecond": n }`, or
    // `{}` to lift the cap (warm-up uncapped, then the measurement capped).
    if (path === "/__limit" && req.method === "POST") {
      const limit = JSON.parse(String(await readBody(req)) || "{}") as {
        maxCommandsPerSecond?: number;
        maxThrottleWaitMs?: number;
      };
      limiter = limiterFor(limit.maxCommandsPerSecond);
      maxThrottleWaitMs = limit.maxThrottleWaitMs ?? DEFAULT_THROTTLE_WAIT_MS;
      return void send(res, 200, {
        maxCommandsPerSecond: limit.maxCommandsPerSecond ?? null,
        maxThrottleWaitMs,
      });
    }
    if (paused) return void req.socket.destroy();

    const mode = MODES.get(path);
    if (mode === undefined) return void send(res, 404, { error: `ERR unknown path ${path}` });
    if (req.method !== "POST") return void send(res, 405, { error: "ERR only POST is supported" });
    if (req.headers.authorization !== `Bearer ${opts.token}`) {
      return void send(res, 401, { error: "Unauthorized" });
    }

    const body = await readBody(req);
    let commands: Command[];
    try {
      commands = parseCommands(body, mode);
    } catch (error) {
      if (error instanceof BadRequest) return void send(res, 400, { error: error.message });
      throw error;
    }
    const base64 = String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
    const sent = mode === "multi-exec" ? [["MULTI"], ...commands, ["EXEC"]] : commands;

    const admitted = await limiter?.admitInTurn(sent.length, maxThrottleWaitMs);
    if (admitted !== undefined && admitted.waitedMs > 0 && admitted.ok) {
      stats.delayed += 1;
      stats.delayedMs += admitted.waitedMs;
    }
    if (admitted?.ok === false) {
      stats.throttled += 1;
      // Upstash answers quota errors per command in a pipeline, for the whole request otherwise.
      const refusal = { error: admitted.error };
      const [status, payload] =
        mode === "pipeline" ? [200, commands.map(() => refusal)] : [400, refusal];
      return void send(res, status, payload);
    }

    waiting += 1;
    const replies = await redis.send([INFO, ...sent, INFO]).finally(() => {
      waiting -= 1;
    });
    const measured =
      commandsProcessed(replies.at(-1)) - commandsProcessed(replies[0]) - infoOverhead;
    const [status, payload] = shapeReply(mode, replies.slice(1, -1), base64);
    const out = send(res, status, payload);
    const billed = Math.max(measured, sent.length);
    admitted?.admission.charge(billed - sent.length);

    stats.requests += 1;
    stats.commands += billed;
    stats.requestBytes += body.length;
    stats.responseBytes += out;
  }

  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(opts.port ?? 0, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await redis.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;

  let stopped: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    token: opts.token,
    port,
    stats: () => ({ ...stats }),
    waiting: () => waiting,
    resetStats: () => {
      stats = noUpstashStats();
    },
    setMaxCommandsPerSecond: (max, waitMs) => {
      limiter = limiterFor(max);
      maxThrottleWaitMs = waitMs ?? DEFAULT_THROTTLE_WAIT_MS;
    },
    pause: () => {
      paused = true;
    },
    resume: () => {
      paused = false;
    },
    stop: () => {
      stopped ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await redis.close();
      })();
      return stopped;
    },
  };
}

function parseCommands(body: Buffer, mode: Mode): Command[] {
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    throw new BadRequest("ERR request body is not valid JSON");
  }
  const list = mode === "single" ? [json] : json;
  if (!Array.isArray(list) || list.length === 0) {
    throw new BadRequest("ERR request body must be a non-empty array of commands");
  }
  return list.map((command: unknown) => {
    if (!Array.isArray(command) || command.length === 0) {
      throw new BadRequest("ERR a command must be a non-empty JSON array");
    }
    for (const arg of command) {
      if (!["string", "number", "boolean"].includes(typeof arg)) {
        throw new BadRequest("ERR command arguments must be strings, numbers or booleans");
      }
    }
    const name = String(command[0]).toUpperCase();
    if (REFUSED.has(name)) {
      throw new BadRequest(`ERR ${name} is not supported by this local Upstash proxy`);
    }
    // JSON numbers and booleans travel as their decimal/text form, like every other argument.
    return command.map((arg: string | number | boolean) => String(arg));
  });
}

function commandsProcessed(info: RespValue | undefined): number {
  const text = Buffer.isBuffer(info) ? info.toString("utf8") : "";
  const match = /total_commands_processed:(\d+)/.exec(text);
  if (!match) throw new Error("INFO stats reply has no total_commands_processed");
  return Number(match[1]);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.once("end", () => resolve(Buffer.concat(chunks)));
    req.once("error", reject);
  });
}

/** Sends a JSON reply and returns its body size in bytes. */
function send(res: ServerResponse, status: number, payload: unknown): number {
  const body = Buffer.from(JSON.stringify(payload), "utf8");
  res.writeHead(status, { "content-type": "application/json", "content-length": body.length });
  res.end(body);
  return body.length;
}
