import { randomUUID } from "node:crypto";
import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
} from "@aws-sdk/lib-dynamodb";
import { Redis, type RedisConfigNodejs } from "@upstash/redis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LOCAL_AWS, startDynamo } from "./dynamo";
import { type RedisServerHandle, startRedisServer } from "./redis-server";
import { noUpstashStats, startUpstashProxy, type UpstashProxyHandle } from "./upstash-proxy";

const TOKEN = "test-token";

let redisServer: RedisServerHandle;
let proxy: UpstashProxyHandle;
let prefix: string;

beforeAll(async () => {
  redisServer = await startRedisServer();
  proxy = await startUpstashProxy({ redisPort: redisServer.port, token: TOKEN });
});

afterAll(async () => {
  await proxy?.stop();
  await redisServer?.stop();
});

beforeEach(() => {
  prefix = `test:${randomUUID()}:`;
  proxy.resume();
  proxy.resetStats();
});

type ClientOptions = Omit<RedisConfigNodejs, "url" | "token">;

/** A real @upstash/redis client; one request per command unless auto-pipelining is asked for. */
function client(options: ClientOptions = {}, token = TOKEN): Redis {
  return new Redis({
    url: proxy.url,
    token,
    enableTelemetry: false,
    enableAutoPipelining: false,
    retry: false,
    ...options,
  });
}

/** Raw REST call, for the parts of the protocol the client hides. */
async function rest(path: string, body: unknown, headers: Record<string, string> = {}) {
  const requestBody = JSON.stringify(body);
  const res = await fetch(`${proxy.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, ...headers },
    body: requestBody,
  });
  const text = await res.text();
  return {
    status: res.status,
    json: JSON.parse(text) as unknown,
    requestBytes: Buffer.byteLength(requestBody),
    responseBytes: Buffer.byteLength(text),
  };
}

describe("upstash proxy with @upstash/redis", () => {
  it("runs single commands, one request and one command each", async () => {
    const redis = client();
    expect(await redis.set(`${prefix}s`, "v")).toBe("OK");
    expect(await redis.get(`${prefix}s`)).toBe("v");
    expect(
      await redis.zadd(`${prefix}z`, { score: 1, member: "a" }, { score: 5, member: "b" }),
    ).toBe(2);
    expect(await redis.zcount(`${prefix}z`, 0, 2)).toBe(1);
    expect(await redis.hset(`${prefix}h`, { name: "x", n: "7" })).toBe(2);
    expect(await redis.hgetall(`${prefix}h`)).toEqual({ name: "x", n: 7 });
    expect(await redis.incr(`${prefix}i`)).toBe(1);
    expect(proxy.stats()).toMatchObject({ requests: 7, commands: 7 });
  });

  it("runs an explicit pipeline as one request billed per command", async () => {
    const results = await client()
      .pipeline()
      .set(`${prefix}a`, "1")
      .incr(`${prefix}a`)
      .zadd(`${prefix}z`, { score: 2, member: "m" })
      .zcard(`${prefix}z`)
      .exec();
    expect(results).toEqual(["OK", 2, 1, 1]);
    expect(proxy.stats()).toMatchObject({ requests: 1, commands: 4 });
  });

  it("auto-pipelines calls made in the same tick into one request", async () => {
    const redis = client({ enableAutoPipelining: true });
    const writes = await Promise.all([
      redis.set(`${prefix}a`, "x"),
      redis.incr(`${prefix}b`),
      redis.zadd(`${prefix}z`, { score: 1, member: "m" }),
    ]);
    expect(writes).toEqual(["OK", 1, 1]);
    expect(proxy.stats()).toMatchObject({ requests: 1, commands: 3 });

    // Reads and writes travel in separate auto-pipelines.
    const reads = await Promise.all([redis.get(`${prefix}a`), redis.get(`${prefix}b`)]);
    expect(reads).toEqual(["x", 1]);
    expect(proxy.stats()).toMatchObject({ requests: 2, commands: 5 });
  });

  it("runs a transaction, billing MULTI and EXEC too", async () => {
    const results = await client()
      .multi()
      .set(`${prefix}a`, "1")
      .incr(`${prefix}a`)
      .get(`${prefix}a`)
      .exec();
    expect(results).toEqual(["OK", 2, 2]);
    expect(proxy.stats()).toMatchObject({ requests: 1, commands: 5 });
  });

  it("falls back from EVALSHA to EVAL and bills the script's own calls", async () => {
    const redis = client({ enableAutoPipelining: true });
    // The comment makes the script (and its SHA) unique to this test run.
    const script = redis.createScript<string>(
      `-- ${prefix}\nredis.call("SET", KEYS[1], ARGV[1])\nreturn redis.call("GET", KEYS[1])`,
    );
    expect(await script.exec([`${prefix}k`], ["first"])).toBe("first");
    // EVALSHA (NOSCRIPT, 1) + EVAL (1) with SET and GET (2).
    expect(proxy.stats()).toMatchObject({ requests: 2, commands: 4 });

    proxy.resetStats();
    expect(await script.exec([`${prefix}k`], ["second"])).toBe("second");
    expect(proxy.stats()).toMatchObject({ requests: 1, commands: 3 });
  });

  it("keeps unicode keys and values intact with and without base64 replies", async () => {
    const key = `${prefix}ключ-🔑`;
    const value = "héllo 🌍 \u0000 nul\ttab";
    for (const responseEncoding of ["base64", false] as const) {
      const redis = client({ responseEncoding });
      await redis.set(key, value);
      expect(await redis.get(key)).toBe(value);
      expect(await redis.keys(`${prefix}*`)).toEqual([key]);
    }
    const big = "x€".repeat(150_000); // 600 KB: replies arrive in many TCP chunks
    await client().set(`${prefix}big`, big);
    expect(await client().get(`${prefix}big`)).toBe(big);
  });

  it("passes Redis errors through unchanged", async () => {
    const redis = client();
    await redis.set(`${prefix}s`, "not a number");
    await expect(redis.incr(`${prefix}s`)).rejects.toThrow(
      /ERR value is not an integer or out of range/,
    );
    const auto = client({ enableAutoPipelining: true });
    await expect(auto.incr(`${prefix}s`)).rejects.toThrow(/ERR value is not an integer/);
    expect(proxy.stats()).toMatchObject({ requests: 3, commands: 3 });
  });

  it("rejects a wrong token with 401 and bills nothing", async () => {
    await expect(client({}, "wrong").get(`${prefix}a`)).rejects.toThrow(/Unauthorized/);
    const res = await fetch(proxy.url, { method: "POST", body: JSON.stringify(["PING"]) });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "Unauthorized" });
    expect(proxy.stats()).toEqual(noUpstashStats());
  });

  it("looks like a network failure while paused", async () => {
    const redis = client();
    proxy.pause();
    await expect(redis.get(`${prefix}a`)).rejects.toThrow(/fetch failed/);
    expect(proxy.stats().requests).toBe(0);

    // With retries the client rides out a short outage.
    const patient = client({ retry: { retries: 10, backoff: () => 20 } });
    const pending = patient.set(`${prefix}a`, "back");
    setTimeout(() => proxy.resume(), 60);
    expect(await pending).toBe("OK");
    expect(proxy.stats()).toMatchObject({ requests: 1, commands: 1 });
  });
});

describe("upstash proxy REST protocol", () => {
  it("base64-encodes every string but a top-level OK, and counts body bytes", async () => {
    const b64 = { "Upstash-Encoding": "base64" };
    const set = await rest("/", ["SET", `${prefix}k`, "OK"], b64);
    expect(set.json).toEqual({ result: "OK" });
    const get = await rest("/", ["GET", `${prefix}k`], b64);
    expect(get.json).toEqual({ result: Buffer.from("OK").toString("base64") });
    const type = await rest("/", ["TYPE", `${prefix}k`], b64);
    expect(type.json).toEqual({ result: Buffer.from("string").toString("base64") });
    const plain = await rest("/", ["TYPE", `${prefix}k`]);
    expect(plain.json).toEqual({ result: "string" });

    const bytes = await rest("/", ["EVAL", "return string.char(255, 0, 1)", 0], b64);
    expect(bytes.json).toEqual({ result: Buffer.from([255, 0, 1]).toString("base64") });

    const pipeline = await rest(
      "/pipeline",
      [
        ["ZADD", `${prefix}z`, 1.5, "m"],
        ["ZRANGE", `${prefix}z`, 0, -1, "WITHSCORES"],
        ["GET", `${prefix}missing`],
        ["HINCRBY", `${prefix}k`, "f", 1],
      ],
      b64,
    );
    expect(pipeline.status).toBe(200);
    expect(pipeline.json).toEqual([
      { result: 1 },
      { result: [Buffer.from("m").toString("base64"), Buffer.from("1.5").toString("base64")] },
      { result: null },
      { error: "WRONGTYPE Operation against a key holding the wrong kind of value" },
    ]);

    const all = [set, get, type, plain, bytes, pipeline];
    expect(proxy.stats()).toEqual({
      requests: 6,
      commands: 9,
      requestBytes: all.reduce((sum, r) => sum + r.requestBytes, 0),
      responseBytes: all.reduce((sum, r) => sum + r.responseBytes, 0),
      throttled: 0,
      delayed: 0,
      delayedMs: 0,
    });
  });

  it("answers a discarded transaction with 400 and refuses connection-state commands", async () => {
    const aborted = await rest("/multi-exec", [["SET", `${prefix}a`, "1"], ["NOSUCHCOMMAND"]]);
    expect(aborted.status).toBe(400);
    expect(aborted.json).toEqual({ error: expect.stringMatching(/^EXECABORT/) });
    expect((await rest("/", ["GET", `${prefix}a`])).json).toEqual({ result: null });

    const multi = await rest("/", ["MULTI"]);
    expect(multi.status).toBe(400);
    // 1 transaction (MULTI, SET, NOSUCHCOMMAND, EXEC: 4 sent) + 1 GET; the refused MULTI is free.
    expect(proxy.stats()).toMatchObject({ requests: 2, commands: 5 });
  });

  it("never interleaves concurrent requests", async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        const key = `${prefix}${i}`;
        const commands = Array.from({ length: 5 }, () => ["INCR", key]);
        return rest(i % 2 === 0 ? "/pipeline" : "/multi-exec", commands);
      }),
    );
    for (const r of results) {
      expect(r.json).toEqual([1, 2, 3, 4, 5].map((n) => ({ result: n })));
    }
    expect(proxy.stats()).toMatchObject({ requests: 40, commands: 20 * 5 + 20 * 7 });
  });

  it("serves and resets stats over HTTP without a token", async () => {
    await rest("/", ["PING"]);
    const stats = await (await fetch(`${proxy.url}/__stats`)).json();
    expect(stats).toEqual(proxy.stats());
    expect(stats).toMatchObject({ requests: 1, commands: 1 });
    const reset = await fetch(`${proxy.url}/__stats/reset`, { method: "POST" });
    expect(reset.status).toBe(200);
    expect(proxy.stats()).toEqual(noUpstashStats());
  });
});

describe("upstash proxy commands-per-second cap", () => {
  const CAP = 10;
  let capped: UpstashProxyHandle;
  // Each test starts 10 s after the last one's clock, so no admission carries over.
  let start = 0;
  let clock = 0;
  const at = (ms: number) => {
    clock = start + ms;
  };

  beforeAll(async () => {
    capped = await startUpstashProxy({
      redisPort: redisServer.port,
      token: TOKEN,
      maxCommandsPerSecond: CAP,
      // Refused at once: these tests move the cap's clock by hand.
      maxThrottleWaitMs: 0,
      now: () => clock,
    });
  });

  afterAll(async () => {
    await capped?.stop();
  });

  beforeEach(() => {
    start += 10_000;
    at(0);
    capped.resetStats();
  });

  async function cappedRest(path: string, body: unknown) {
    const res = await fetch(`${capped.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as unknown };
  }

  /** What Redis holds, read through the uncapped proxy over the same redis-server. */
  const stored = async (key: string) => (await rest("/", ["GET", `${prefix}${key}`])).json;

  const refused = (usage: number) => ({
    error: `ERR max commands per second limit exceeded. Limit: ${CAP}, Usage: ${usage}`,
  });

  it("admits requests while the last second's commands stay within the cap", async () => {
    // 1 + 4 + (3 + MULTI + EXEC) = 10 commands, exactly the cap.
    expect(await cappedRest("/", ["SET", `${prefix}a`, "1"])).toEqual({
      status: 200,
      json: { result: "OK" },
    });
    at(300);
    const pipeline = await cappedRest(
      "/pipeline",
      [1, 2, 3, 4].map(() => ["INCR", `${prefix}b`]),
    );
    expect(pipeline.json).toEqual([1, 2, 3, 4].map((n) => ({ result: n })));
    at(900);
    const multi = await cappedRest("/multi-exec", [
      ["INCR", `${prefix}c`],
      ["INCR", `${prefix}c`],
      ["INCR", `${prefix}c`],
    ]);
    expect(multi.json).toEqual([1, 2, 3].map((n) => ({ result: n })));
    expect(capped.stats()).toMatchObject({ requests: 3, commands: CAP, throttled: 0 });
  });

  it("refuses requests over the cap with Upstash's error, without touching Redis", async () => {
    await cappedRest(
      "/pipeline",
      [1, 2, 3, 4, 5, 6, 7, 8, 9].map(() => ["INCR", `${prefix}n`]),
    );
    capped.resetStats();
    at(500);

    // One command fits (9 + 1); the next does not, in every shape.
    expect((await cappedRest("/", ["SET", `${prefix}fits`, "1"])).status).toBe(200);
    expect(await cappedRest("/", ["SET", `${prefix}single`, "x"])).toEqual({
      status: 400,
      json: refused(CAP + 1),
    });
    expect(
      await cappedRest("/pipeline", [
        ["SET", `${prefix}p1`, "x"],
        ["SET", `${prefix}p2`, "x"],
      ]),
    ).toEqual({ status: 200, json: [refused(CAP + 2), refused(CAP + 2)] });
    expect(await cappedRest("/multi-exec", [["SET", `${prefix}m`, "x"]])).toEqual({
      status: 400,
      json: refused(CAP + 3),
    });
    // @upstash/redis throws at once: an HTTP reply is never retried, whatever its status.
    const redis = new Redis({
      url: capped.url,
      token: TOKEN,
      enableTelemetry: false,
      enableAutoPipelining: false,
      retry: { retries: 5, backoff: () => 0 },
    });
    await expect(redis.set(`${prefix}client`, "x")).rejects.toThrow(
      /^ERR max commands per second limit exceeded\. Limit: 10, Usage: 11, command was:/,
    );
    await expect(redis.pipeline().set(`${prefix}client`, "x").exec()).rejects.toThrow(
      /Command 1 \[ set \] failed: ERR max commands per second limit exceeded/,
    );

    for (const key of ["single", "p1", "p2", "m", "client"]) {
      expect(await stored(key)).toEqual({ result: null });
    }
    expect(await stored("n")).toEqual({ result: "9" });
    expect(await stored("fits")).toEqual({ result: "1" });
    expect(capped.stats()).toMatchObject({ requests: 1, commands: 1, throttled: 5 });
  });

  it("admits again once the commands that filled the cap are a second old (sliding window)", async () => {
    const fill = Array.from({ length: CAP }, () => ["INCR", `${prefix}w`]);
    expect((await cappedRest("/pipeline", fill)).status).toBe(200);
    at(999);
    expect(await cappedRest("/", ["INCR", `${prefix}w`])).toEqual({
      status: 400,
      json: refused(CAP + 1),
    });
    at(1000);
    expect(await cappedRest("/", ["INCR", `${prefix}w`])).toEqual({
      status: 200,
      json: { result: CAP + 1 },
    });
    // A request larger than the cap never fits.
    at(5000);
    const tooBig = await cappedRest("/pipeline", [...fill, ["INCR", `${prefix}w`]]);
    expect(tooBig.json).toEqual(Array.from({ length: CAP + 1 }, () => refused(CAP + 1)));
  });

  it("counts a script's own calls against the second it was admitted in", async () => {
    // EVAL (1) is admitted as 1; its 3 calls are charged once it has run: 4 used.
    const script = `-- ${prefix}\nredis.call("SET", KEYS[1], "1")\nredis.call("INCR", KEYS[1])\nreturn redis.call("GET", KEYS[1])`;
    expect(await cappedRest("/", ["EVAL", script, 1, `${prefix}s`])).toEqual({
      status: 200,
      json: { result: "2" },
    });
    const six = Array.from({ length: 6 }, () => ["INCR", `${prefix}t`]);
    expect((await cappedRest("/pipeline", six)).status).toBe(200);
    expect(await cappedRest("/", ["INCR", `${prefix}t`])).toEqual({
      status: 400,
      json: refused(CAP + 1),
    });
  });
});

describe("upstash proxy throttling: over the cap, requests wait, then fail", () => {
  const CAP = 10;
  const prefix = `throttle:${randomUUID()}:`;
  const client = (proxyUrl: string) =>
    new Redis({
      url: proxyUrl,
      token: TOKEN,
      enableTelemetry: false,
      enableAutoPipelining: false,
      retry: false,
    });
  const fill = (redis: Redis, n: number) => {
    const pipeline = redis.pipeline();
    for (let i = 0; i < n; i++) pipeline.incr(`${prefix}fill`);
    return pipeline.exec();
  };
  /**
   * Runs `use` with a proxy capped at CAP commands a second whose requests over the cap wait up
   * to `maxThrottleWaitMs`, and a client that has just used the whole second; stops the proxy.
   */
  const withProxyAtCap = async (
    maxThrottleWaitMs: number,
    use: (capped: UpstashProxyHandle, redis: Redis) => Promise<void>,
  ) => {
    const capped = await startUpstashProxy({
      redisPort: redisServer.port,
      token: TOKEN,
      maxCommandsPerSecond: CAP,
      maxThrottleWaitMs,
    });
    try {
      const redis = client(capped.url);
      await fill(redis, CAP);
      await use(capped, redis);
    } finally {
      await capped.stop();
    }
  };

  it("makes a request over the cap wait in line until the last second leaves room, then runs it", async () => {
    // Real time: the line is drained by timers. No duration is asserted, only the order of
    // events and the proxy's own counts.
    await withProxyAtCap(10_000, async (waiting, redis) => {
      const order: string[] = [];
      const later = [1, 2, 3].map((n) =>
        redis.set(`${prefix}later-${n}`, n).then(() => order.push(`later-${n}`)),
      );
      await Promise.all(later);
      expect(order).toEqual(["later-1", "later-2", "later-3"]);
      for (const n of [1, 2, 3]) expect(await redis.get(`${prefix}later-${n}`)).toBe(n);
      const stats = waiting.stats();
      expect(stats).toMatchObject({ requests: 1 + 3 + 3, throttled: 0, delayed: 3 });
      expect(stats.delayedMs).toBeGreaterThan(0);
    });
  });

  it("fails a request with Upstash's error once it waited maxThrottleWaitMs, unsent", async () => {
    await withProxyAtCap(1, async (brief, redis) => {
      await expect(redis.set(`${prefix}gave-up`, "x")).rejects.toThrow(
        /^ERR max commands per second limit exceeded\. Limit: 10, Usage: 11, command was:/,
      );
      expect(brief.stats()).toMatchObject({ requests: 1, throttled: 1, delayed: 0 });
      // A request larger than the cap never gets in, so it fails without waiting.
      await expect(fill(redis, CAP + 1)).rejects.toThrow(/limit exceeded/);
    });
    expect(await client(proxy.url).get(`${prefix}gave-up`)).toBeNull();
  });
});

describe("startRedisServer", () => {
  it("says how to install redis-server when it is missing", async () => {
    const path = process.env.PATH;
    process.env.PATH = "";
    // The binary is looked up before the first await, so PATH can be restored at once.
    const started = startRedisServer();
    process.env.PATH = path;
    await expect(started).rejects.toThrow(/apt-get install -y redis-server.*brew install redis/);
  });

  it("refuses the machine's own port 6379", async () => {
    await expect(startRedisServer({ port: 6379 })).rejects.toThrow(/6379/);
  });
});

describe("startDynamo", () => {
  it("creates the project's table and behaves like DynamoDB for puts, gets and batches", async () => {
    const tableName = `test-${randomUUID()}`;
    const dynamo = await startDynamo({ tableName });
    const raw = new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamo.endpoint });
    const doc = DynamoDBDocumentClient.from(raw);
    try {
      const { Table } = await raw.send(new DescribeTableCommand({ TableName: tableName }));
      expect(Table?.TableStatus).toBe("ACTIVE");
      expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(["gsi1"]);

      const item = { pk: `${prefix}p`, sk: "s#1", count: 3, tags: ["a", "b"] };
      await doc.send(new PutCommand({ TableName: tableName, Item: item }));
      const got = await doc.send(
        new GetCommand({ TableName: tableName, Key: { pk: item.pk, sk: item.sk } }),
      );
      expect(got.Item).toEqual(item);

      const puts = Array.from({ length: 26 }, (_, i) => ({
        PutRequest: { Item: { pk: `${prefix}p`, sk: `s#${i}` } },
      }));
      await expect(
        doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: puts } })),
      ).rejects.toThrow(/25/);
      await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: puts.slice(0, 25) } }));
    } finally {
      raw.destroy();
      await dynamo.stop();
    }
  });
});

describe("redis-server failing under the proxy", () => {
  it("answers requests sent while redis-server was stalled once it runs again", async () => {
    redisServer.stall();
    const pending = client().set(`${prefix}k`, "v");
    await new Promise((resolve) => setTimeout(resolve, 100));
    redisServer.resume();
    expect(await pending).toBe("OK");
  });

  it("counts requests waiting on a stalled redis-server, those whose client gave up too, until it runs again", async () => {
    redisServer.stall();
    try {
      const gaveUp = client({ signal: () => AbortSignal.timeout(50) }).set(`${prefix}a`, "1");
      await expect(gaveUp).rejects.toThrow();
      const waiting = client().set(`${prefix}b`, "2");
      while (proxy.waiting() < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(await (await fetch(`${proxy.url}/__waiting`)).json()).toEqual({ waiting: 2 });
      redisServer.resume();
      expect(await waiting).toBe("OK");
    } finally {
      redisServer.resume();
    }
    // The request whose client gave up still ran once Redis did.
    expect(await client().get(`${prefix}a`)).toBe(1);
    expect(proxy.waiting()).toBe(0);
  });

  it("reconnects to a redis-server restarted empty on the same port", async () => {
    const redis = client();
    await redis.set(`${prefix}k`, "v");
    await redisServer.kill();
    await expect(redis.get(`${prefix}k`)).rejects.toThrow();
    await redisServer.restart();
    expect(await redis.get(`${prefix}k`)).toBeNull();
    expect(await redis.set(`${prefix}k`, "again")).toBe("OK");
  });
});
