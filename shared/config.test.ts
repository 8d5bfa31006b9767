import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./config";

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
      snapshotRetentionDays: 30,
      auditRetentionDays: 30,
    });
    expect(config.awsCredentials).toBeUndefined();
    expect(config.dynamodbEndpoint).toBeUndefined();
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
});
