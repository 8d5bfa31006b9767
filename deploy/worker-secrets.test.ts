import { describe, expect, it } from "vitest";
import { checkSecrets, chooseSecrets, REQUIRED_SECRETS } from "./worker-secrets";

const UPSTASH = {
  UPSTASH_REDIS_REST_URL: "https://eu1-example.upstash.io",
  UPSTASH_REDIS_REST_TOKEN: "token",
};
const KEY = { accessKeyId: "AKIANEW", secretAccessKey: "new-secret" };

describe("the secrets a deployment setup uploads", () => {
  it("on a first setup: Upstash from the environment, keys generated, AWS from the new access key", () => {
    const choice = chooseSecrets(
      { ...UPSTASH, AWS_ACCESS_KEY_ID: "the operator's own", AWS_SECRET_ACCESS_KEY: "theirs" },
      new Set(),
      KEY,
    );
    expect(choice.missing).toEqual([]);
    expect(choice.generated).toEqual(["ADMIN_API_KEY", "VIEWER_TOKEN_SECRET"]);
    expect(choice.values).toMatchObject({
      ...UPSTASH,
      AWS_ACCESS_KEY_ID: "AKIANEW",
      AWS_SECRET_ACCESS_KEY: "new-secret",
    });
    expect(checkSecrets(choice.values, { table: "t-able", region: "us-east-1" })).toEqual([]);
  });

  it("on a rerun: keeps what the worker has (no rotated admin key), sets what the environment gives", () => {
    // The worker has every required secret already.
    const onWorker = new Set<string>(REQUIRED_SECRETS);
    expect(chooseSecrets({}, onWorker, undefined)).toEqual({
      values: {},
      generated: [],
      missing: [],
    });
    const analytics = "analytics-key-0123456789";
    expect(chooseSecrets({ ANALYTICS_API_KEY: analytics }, onWorker, undefined).values).toEqual({
      ANALYTICS_API_KEY: analytics,
    });
  });

  it("names what is missing, and refuses values the worker would refuse", () => {
    expect(chooseSecrets({}, new Set(), KEY).missing).toEqual([
      "UPSTASH_REDIS_REST_URL",
      "UPSTASH_REDIS_REST_TOKEN",
    ]);
    const problems = checkSecrets(
      { UPSTASH_REDIS_REST_URL: "eu1-example.upstash.io", ADMIN_API_KEY: "short" },
      { table: "t-able", region: "us-east-1" },
    );
    expect(problems.join("\n")).toMatch(/UPSTASH_REDIS_REST_URL must be an http\(s\) URL/);
    expect(problems.join("\n")).toMatch(/ADMIN_API_KEY must be at least 16 characters/);
  });
});
