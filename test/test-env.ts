import { randomBytes } from "node:crypto";

export const TEST_ADMIN_KEY = "test-admin-key-0123456789";
export const TEST_TOKEN_SECRET = "test-viewer-token-secret-0123456789abcdef";

/** A short random id, for key prefixes and stage ids that no other test uses. */
export function uniqueId(label = "t"): string {
  return `${label}${randomBytes(5).toString("hex")}`;
}

/** Worker bindings for one test: the stack's endpoints, test secrets, and its own key prefix. */
export function testBindings(
  stackEnv: object,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    ...(stackEnv as Record<string, string>),
    ADMIN_API_KEY: TEST_ADMIN_KEY,
    VIEWER_TOKEN_SECRET: TEST_TOKEN_SECRET,
    REDIS_KEY_PREFIX: `${uniqueId()}:`,
    // Tests move the app's clock by hand and often hold it still, so a per-second command
    // budget (edge/redis-guard.ts) would never refill: off unless a test sets its own.
    REDIS_COMMANDS_PER_SEC: "1000000000",
    ...overrides,
  };
}

export const adminHeaders = {
  authorization: `Bearer ${TEST_ADMIN_KEY}`,
  "content-type": "application/json",
};
