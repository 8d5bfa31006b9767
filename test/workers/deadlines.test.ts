/**
 * The deadline machinery inside workerd, where the AWS SDK runs its fetch handler and the
 * Upstash client the runtime's fetch: a call whose deadline has passed fails (never a made-up
 * success), and calls within their deadline work.
 */
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient, createRedis } from "@viewer-presence/shared/clients";
import { parseConfig } from "@viewer-presence/shared/config";
import { describe, expect, inject, it } from "vitest";

function config() {
  return parseConfig({
    ...inject("stackEnv"),
    ADMIN_API_KEY: "workers-admin-key-0123456789",
    VIEWER_TOKEN_SECRET: "workers-viewer-token-secret-0123456789ab",
    REDIS_KEY_PREFIX: `d${crypto.randomUUID().slice(0, 8)}:`,
  });
}

describe("deadlines in workerd", () => {
  it("Redis: a call past its deadline throws; one within it answers", async () => {
    const c = config();
    const late = createRedis(c, { timeoutMs: 1_000, signal: AbortSignal.abort() });
    await expect(late.get(`${c.redisKeyPrefix}k`)).rejects.toThrow();
    const onTime = createRedis(c, { timeoutMs: 1_000 });
    expect(await onTime.set(`${c.redisKeyPrefix}k`, "v")).toBe("OK");
  });

  it("DynamoDB: a call past its deadline is aborted; one within it answers", async () => {
    const c = config();
    const key = { pk: "STAGE#none", sk: "CONFIG" };
    const late = createDocumentClient(c, { timeoutMs: 1_000, signal: AbortSignal.abort() });
    const error = await late.send(new GetCommand({ TableName: c.dynamodbTable, Key: key })).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.name).toBe("AbortError");
    const onTime = createDocumentClient(c, { timeoutMs: 1_000 });
    const { Item } = await onTime.send(new GetCommand({ TableName: c.dynamodbTable, Key: key }));
    expect(Item).toBeUndefined();
  });
});
