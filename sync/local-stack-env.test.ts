import { describe, expect, it } from "vitest";
import { parseEnvFile, withLocalStackEnv } from "./local-stack-env";

const FILE = `# Written by npm start
UPSTASH_REDIS_REST_URL=http://127.0.0.1:8079
UPSTASH_REDIS_REST_TOKEN=local-upstash-token
DYNAMODB_ENDPOINT=http://127.0.0.1:8000

ADMIN_API_KEY=local-admin-0123456789abcdef
`;

describe("the local stack's variables", () => {
  it("reads NAME=value lines, skipping comments and blank lines, keeping '=' in values", () => {
    expect(parseEnvFile(`${FILE}A=b=c\nnot a line\n`)).toEqual({
      UPSTASH_REDIS_REST_URL: "http://127.0.0.1:8079",
      UPSTASH_REDIS_REST_TOKEN: "local-upstash-token",
      DYNAMODB_ENDPOINT: "http://127.0.0.1:8000",
      ADMIN_API_KEY: "local-admin-0123456789abcdef",
      A: "b=c",
    });
  });

  it("fills in what the environment leaves unset, the environment's own values first", () => {
    const { env, use } = withLocalStackEnv(
      { PATH: "/bin", ADMIN_API_KEY: "mine", AWS_REGION: "" },
      FILE,
    );
    expect(use).toBe("used");
    expect(env).toMatchObject({
      PATH: "/bin",
      ADMIN_API_KEY: "mine",
      UPSTASH_REDIS_REST_URL: "http://127.0.0.1:8079",
      DYNAMODB_ENDPOINT: "http://127.0.0.1:8000",
    });
  });

  it("is ignored when the environment names an Upstash database (a real deployment)", () => {
    const shell = { UPSTASH_REDIS_REST_URL: "https://eu1-x.upstash.io" };
    expect(withLocalStackEnv(shell, FILE)).toEqual({ env: shell, use: "ignored" });
    expect(withLocalStackEnv(shell, FILE).env.DYNAMODB_ENDPOINT).toBeUndefined();
  });

  it("changes nothing when there is no file", () => {
    expect(withLocalStackEnv({ A: "1" }, undefined)).toEqual({ env: { A: "1" }, use: "absent" });
  });
});
