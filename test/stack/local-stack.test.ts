import { Redis } from "@upstash/redis";
import { MAX_REDIS_DATABASES } from "@viewer-presence/shared/config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalStack, stackEnv, startLocalStack } from "./index";

const DYNAMO = { endpoint: "http://127.0.0.1:8000", tableName: "t" };

describe("stackEnv", () => {
  it("gives one database's URL and token as they are", () => {
    const env = stackEnv({ url: "http://127.0.0.1:1", token: "a" }, DYNAMO);
    expect(env).toMatchObject({
      UPSTASH_REDIS_REST_URL: "http://127.0.0.1:1",
      UPSTASH_REDIS_REST_TOKEN: "a",
    });
    expect(stackEnv([{ url: "http://127.0.0.1:1", token: "a" }], DYNAMO)).toEqual(env);
  });

  it("lists several databases' URLs and tokens comma-separated, in the same order", () => {
    const env = stackEnv(
      [
        { url: "http://127.0.0.1:1", token: "a" },
        { url: "http://127.0.0.1:2", token: "b" },
      ],
      DYNAMO,
    );
    expect(env.UPSTASH_REDIS_REST_URL).toBe("http://127.0.0.1:1,http://127.0.0.1:2");
    expect(env.UPSTASH_REDIS_REST_TOKEN).toBe("a,b");
    expect(() => stackEnv([{ url: "http://127.0.0.1:1", token: "a,b" }], DYNAMO)).toThrow(/comma/);
  });
});

describe("startLocalStack with several databases", () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startLocalStack({ databases: 3, maxCommandsPerSecond: 5, upstashToken: "tok" });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const client = (url: string, token: string) =>
    new Redis({ url, token, enableTelemetry: false, enableAutoPipelining: false, retry: false });

  it("starts a redis-server and a proxy per database, each with its own token", async () => {
    expect(stack.databases).toHaveLength(3);
    expect(stack.proxy).toBe(stack.databases[0]?.proxy);
    expect(stack.redis).toBe(stack.databases[0]?.redis);
    const urls = stack.env.UPSTASH_REDIS_REST_URL.split(",");
    const tokens = stack.env.UPSTASH_REDIS_REST_TOKEN.split(",");
    expect(urls).toEqual(stack.databases.map((database) => database.proxy.url));
    expect(tokens).toEqual(stack.databases.map((database) => database.proxy.token));
    expect(tokens).toEqual(["tok", "tok-2", "tok-3"]);
    expect(new Set(stack.databases.map((database) => database.redis.port)).size).toBe(3);

    // Each proxy reaches its own redis-server, and takes only its own token.
    const [first, second] = urls.map((url, i) => client(url, tokens[i] ?? ""));
    await first?.set("k", "first");
    expect(await second?.get("k")).toBeNull();
    expect(await first?.get("k")).toBe("first");
    await expect(client(urls[1] ?? "", tokens[0] ?? "").get("k")).rejects.toThrow(/Unauthorized/);
  });

  it("caps every database's commands per second on its own", async () => {
    const pipeline = (i: number) => {
      const redis = client(
        stack.databases[i]?.proxy.url ?? "",
        stack.databases[i]?.proxy.token ?? "",
      );
      return redis.pipeline().incr("n").incr("n").incr("n").incr("n").incr("n").incr("n").exec();
    };
    // 6 commands in one request: over a cap of 5 on every database.
    for (const i of [0, 1, 2]) {
      await expect(pipeline(i)).rejects.toThrow(/ERR max commands per second limit exceeded/);
      expect(stack.databases[i]?.proxy.stats().throttled).toBe(1);
    }
  });
});

describe("startLocalStack with one database", () => {
  it("keeps the single-database shape", async () => {
    const stack = await startLocalStack({ upstashToken: "one-token" });
    try {
      expect(stack.databases).toEqual([{ proxy: stack.proxy, redis: stack.redis }]);
      expect(stack.env.UPSTASH_REDIS_REST_URL).toBe(stack.proxy.url);
      expect(stack.env.UPSTASH_REDIS_REST_TOKEN).toBe("one-token");
    } finally {
      await stack.stop();
    }
  });

  it("refuses a count of databases it cannot start", async () => {
    await expect(startLocalStack({ databases: 0 })).rejects.toThrow(/databases must be/);
    await expect(startLocalStack({ databases: MAX_REDIS_DATABASES + 1 })).rejects.toThrow(
      /databases must be/,
    );
  });
});
