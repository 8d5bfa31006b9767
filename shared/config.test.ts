import { describe, expect, it } from "vitest";
import { ConfigError, MAX_REDIS_DATABASES, parseConfig, viewerTokenSecrets } from "./config";

const valid = {
  UPSTASH_REDIS_REST_URL: "https://eu1-example.upstash.io/",
  UPSTASH_REDIS_REST_TOKEN: "token",
  ADMIN_API_KEY: "an-admin-key-long-enough",
  VIEWER_TOKEN_SECRET: "a-viewer-token-secret-of-32-chars!",
};

describe("parseConfig", () => {
  it("applies documented defaults", () => {
    const config = parseConfig(valid);
    expect(config).toMatchObject({
      upstashRedisRestUrl: "https://eu1-example.upstash.io",
      dynamodbTable: "ivs-viewer-snapshots",
      awsRegion: "us-east-1",
      heartbeatIntervalSec: 30,
      presenceTtlSec: 120,
      redisKeyPrefix: "",
      corsOrigins: ["*"],
      publicViewerTotals: true,
      redisLoadShedding: true,
      snapshotRetentionDays: 30,
      auditRetentionDays: 30,
    });
    expect(config.awsCredentials).toBeUndefined();
    expect(config.dynamodbEndpoint).toBeUndefined();
    expect(config.redisDatabases).toEqual([
      { url: "https://eu1-example.upstash.io", token: "token" },
    ]);
  });

  it("takes a read-only analytics key, long enough and not the admin key", () => {
    expect(parseConfig(valid).analyticsApiKey).toBeUndefined();
    expect(
      parseConfig({ ...valid, ANALYTICS_API_KEY: "an-analytics-key-long-enough" }).analyticsApiKey,
    ).toBe("an-analytics-key-long-enough");
    expect(() => parseConfig({ ...valid, ANALYTICS_API_KEY: "short" })).toThrow(
      /ANALYTICS_API_KEY must be at least 16 characters/,
    );
    expect(() => parseConfig({ ...valid, ANALYTICS_API_KEY: valid.ADMIN_API_KEY })).toThrow(
      /ANALYTICS_API_KEY must differ from ADMIN_API_KEY/,
    );
  });

  it("takes previous viewer-token secrets, each long enough, accepted after the current", () => {
    const previous = "a-previous-secret-a-previous-secret";
    const config = parseConfig({ ...valid, VIEWER_TOKEN_PREVIOUS_SECRETS: ` ${previous} ,` });
    expect(config.previousViewerTokenSecrets).toEqual([previous]);
    expect(viewerTokenSecrets(config)).toEqual([valid.VIEWER_TOKEN_SECRET, previous]);
    expect(parseConfig(valid).previousViewerTokenSecrets).toEqual([]);
    expect(() => parseConfig({ ...valid, VIEWER_TOKEN_PREVIOUS_SECRETS: "short" })).toThrow(
      /each of VIEWER_TOKEN_PREVIOUS_SECRETS must be at least 32 characters/,
    );
  });

  it("refuses keys that could not be sent as a bearer token", () => {
    expect(() => parseConfig({ ...valid, ADMIN_API_KEY: "an admin key with spaces" })).toThrow(
      /ADMIN_API_KEY may hold only letters, digits/,
    );
    expect(() =>
      parseConfig({ ...valid, ANALYTICS_API_KEY: 'analytics-key-with-a-quote"' }),
    ).toThrow(/ANALYTICS_API_KEY may hold only letters, digits/);
    expect(parseConfig({ ...valid, ADMIN_API_KEY: "base64+/like.key_~-==" }).adminApiKey).toBe(
      "base64+/like.key_~-==",
    );
  });

  it("names every missing or bad variable at once", () => {
    let error: unknown;
    try {
      parseConfig({
        UPSTASH_REDIS_REST_URL: "not a url",
        ADMIN_API_KEY: "short",
        HEARTBEAT_INTERVAL_SEC: "1.5",
        AWS_ACCESS_KEY_ID: "x",
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of [
      "UPSTASH_REDIS_REST_URL",
      "UPSTASH_REDIS_REST_TOKEN",
      "ADMIN_API_KEY",
      "VIEWER_TOKEN_SECRET",
      "HEARTBEAT_INTERVAL_SEC",
      "AWS_SECRET_ACCESS_KEY",
    ]) {
      expect(message).toContain(name);
    }
  });

  it("refuses a presence TTL shorter than two heartbeat intervals", () => {
    expect(() =>
      parseConfig({ ...valid, HEARTBEAT_INTERVAL_SEC: "60", PRESENCE_TTL_SEC: "90" }),
    ).toThrow(/PRESENCE_TTL_SEC/);
    expect(
      parseConfig({ ...valid, HEARTBEAT_INTERVAL_SEC: "60", PRESENCE_TTL_SEC: "120" })
        .presenceTtlSec,
    ).toBe(120);
  });

  it("takes AWS credentials and a local endpoint together", () => {
    const config = parseConfig({
      ...valid,
      AWS_ACCESS_KEY_ID: "id",
      AWS_SECRET_ACCESS_KEY: "secret",
      DYNAMODB_ENDPOINT: "http://127.0.0.1:8000",
      CORS_ORIGINS: "https://a.example, https://b.example",
    });
    expect(config.awsCredentials).toEqual({ accessKeyId: "id", secretAccessKey: "secret" });
    expect(config.dynamodbEndpoint).toBe("http://127.0.0.1:8000");
    expect(config.corsOrigins).toEqual(["https://a.example", "https://b.example"]);
  });

  it("reads retention in days; an audit retention of 0 keeps events for good", () => {
    const config = parseConfig({
      ...valid,
      SNAPSHOT_RETENTION_DAYS: "90",
      AUDIT_RETENTION_DAYS: "0",
    });
    expect(config.snapshotRetentionDays).toBe(90);
    expect(config.auditRetentionDays).toBeUndefined();
    expect(() => parseConfig({ ...valid, SNAPSHOT_RETENTION_DAYS: "0" })).toThrow(
      /SNAPSHOT_RETENTION_DAYS must be at least 1/,
    );
    expect(() => parseConfig({ ...valid, AUDIT_RETENTION_DAYS: "a week" })).toThrow(
      /AUDIT_RETENTION_DAYS must be a whole number of days/,
    );
  });

  it("sheds Redis load unless REDIS_LOAD_SHEDDING is false", () => {
    expect(parseConfig({ ...valid, REDIS_LOAD_SHEDDING: "false" }).redisLoadShedding).toBe(false);
    expect(() => parseConfig({ ...valid, REDIS_LOAD_SHEDDING: "off" })).toThrow(
      /REDIS_LOAD_SHEDDING must be "true" or "false", got "off"/,
    );
  });

  it("budgets REDIS_COMMANDS_PER_SEC per database, one figure for all or one each", () => {
    expect(parseConfig(valid).redisCommandsPerSec).toEqual([10_000]);
    const two = {
      ...valid,
      UPSTASH_REDIS_REST_URL: "https://a.upstash.io,https://b.upstash.io",
      UPSTASH_REDIS_REST_TOKEN: "ta,tb",
    };
    expect(parseConfig({ ...two, REDIS_COMMANDS_PER_SEC: "500" }).redisCommandsPerSec).toEqual([
      500, 500,
    ]);
    expect(
      parseConfig({ ...two, REDIS_COMMANDS_PER_SEC: "500,16000" }).redisCommandsPerSec,
    ).toEqual([500, 16_000]);
    expect(() => parseConfig({ ...two, REDIS_COMMANDS_PER_SEC: "1,2,3" })).toThrow(
      /REDIS_COMMANDS_PER_SEC lists 3 budgets for 2 databases/,
    );
    expect(() => parseConfig({ ...valid, REDIS_COMMANDS_PER_SEC: "fast" })).toThrow(
      /REDIS_COMMANDS_PER_SEC must be whole numbers/,
    );
  });

  it("syncs SYNC_DATABASE_CONCURRENCY databases at once, 4 unless set", () => {
    expect(parseConfig(valid).syncDatabaseConcurrency).toBe(4);
    expect(parseConfig({ ...valid, SYNC_DATABASE_CONCURRENCY: "16" }).syncDatabaseConcurrency).toBe(
      16,
    );
    for (const bad of ["0", "2.5", "many", String(MAX_REDIS_DATABASES + 1)]) {
      expect(() => parseConfig({ ...valid, SYNC_DATABASE_CONCURRENCY: bad })).toThrow(
        `SYNC_DATABASE_CONCURRENCY must be a whole number of databases from 1 to ${MAX_REDIS_DATABASES}, got "${bad}"`,
      );
    }
  });

  describe("several Upstash databases", () => {
    const problems = (env: Record<string, string>): string[] => {
      try {
        parseConfig({ ...valid, ...env });
      } catch (error) {
        if (error instanceof ConfigError) return error.problems;
        throw error;
      }
      return [];
    };

    it("pairs comma-separated URLs and tokens in order; the first is the single database", () => {
      const config = parseConfig({
        ...valid,
        UPSTASH_REDIS_REST_URL:
          " https://eu1-a.upstash.io/ , https://eu1-b.upstash.io,https://us1-c.upstash.io",
        UPSTASH_REDIS_REST_TOKEN: "ta, tb ,tc",
      });
      expect(config.redisDatabases).toEqual([
        { url: "https://eu1-a.upstash.io", token: "ta" },
        { url: "https://eu1-b.upstash.io", token: "tb" },
        { url: "https://us1-c.upstash.io", token: "tc" },
      ]);
      expect(config.upstashRedisRestUrl).toBe("https://eu1-a.upstash.io");
      expect(config.upstashRedisRestToken).toBe("ta");
    });

    it("wants one token per URL", () => {
      expect(
        problems({
          UPSTASH_REDIS_REST_URL: "https://a.upstash.io,https://b.upstash.io",
          UPSTASH_REDIS_REST_TOKEN: "ta",
        }),
      ).toEqual([
        "UPSTASH_REDIS_REST_URL lists 2 database(s) but UPSTASH_REDIS_REST_TOKEN 1 token(s): give one token per URL, in the same order",
      ]);
      expect(problems({ UPSTASH_REDIS_REST_TOKEN: "ta,tb" })).toHaveLength(1);
    });

    it("validates every URL and refuses empty entries", () => {
      expect(
        problems({
          UPSTASH_REDIS_REST_URL: "https://a.upstash.io,a.upstash.io",
          UPSTASH_REDIS_REST_TOKEN: "ta,tb",
        }),
      ).toEqual([
        'UPSTASH_REDIS_REST_URL must be an http(s) URL (entry 2 of 2), got "a.upstash.io"',
      ]);
      expect(
        problems({
          UPSTASH_REDIS_REST_URL: "https://a.upstash.io,,https://b.upstash.io",
          UPSTASH_REDIS_REST_TOKEN: "ta,tb,",
        }),
      ).toEqual([
        "UPSTASH_REDIS_REST_URL has an empty entry (list databases separated by single commas)",
        "UPSTASH_REDIS_REST_TOKEN has an empty entry (list databases separated by single commas)",
      ]);
    });

    it("refuses the same database twice, however it is spelled", () => {
      expect(
        problems({
          UPSTASH_REDIS_REST_URL: "https://a.upstash.io,https://A.upstash.io:443/",
          UPSTASH_REDIS_REST_TOKEN: "ta,tb",
        }),
      ).toEqual(["UPSTASH_REDIS_REST_URL lists https://A.upstash.io:443 more than once"]);
    });

    it(`takes at most ${MAX_REDIS_DATABASES} databases`, () => {
      const list = (n: number, item: (i: number) => string) =>
        Array.from({ length: n }, (_, i) => item(i)).join(",");
      const many = (n: number) => ({
        UPSTASH_REDIS_REST_URL: list(n, (i) => `https://db${i}.upstash.io`),
        UPSTASH_REDIS_REST_TOKEN: list(n, (i) => `t${i}`),
      });
      expect(parseConfig({ ...valid, ...many(MAX_REDIS_DATABASES) }).redisDatabases).toHaveLength(
        MAX_REDIS_DATABASES,
      );
      expect(problems(many(MAX_REDIS_DATABASES + 1))).toEqual([
        `UPSTASH_REDIS_REST_URL lists ${MAX_REDIS_DATABASES + 1} databases; at most ${MAX_REDIS_DATABASES}`,
      ]);
    });
  });
});
