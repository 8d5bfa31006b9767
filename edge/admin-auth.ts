import type { Context } from "hono";
import { problems } from "./problems";

/** Compares in time independent of where the strings differ (no early exit). */
function constantTimeEqual(a: string, b: string): boolean {
  const encoder = new TextEncoder();
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  let difference = left.length ^ right.length;
  for (let i = 0; i < left.length; i++) difference |= left[i]! ^ (right[i % right.length] ?? 0);
  return difference === 0;
}

/**
 * Throws 401 unless the request carries the analytics key or the admin key (history and totals:
 * reading, never changing).
 */
export function requireReader(
  c: Context,
  keys: { adminApiKey: string; analyticsApiKey?: string },
): void {
  const header = c.req.header("authorization");
  const named =
    keys.analyticsApiKey === undefined ? "ADMIN_API_KEY" : "ANALYTICS_API_KEY or ADMIN_API_KEY";
  if (header === undefined) {
    throw problems.unauthorized(
      `This operation needs a key: \`Authorization: Bearer <${named}>\`.`,
    );
  }
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  const given = match?.[1];
  const valid =
    given !== undefined &&
    // Both compared, whatever the first gives: no timing tells which key came close.
    [keys.adminApiKey, keys.analyticsApiKey]
      .map((key) => key !== undefined && constantTimeEqual(given, key))
      .includes(true);
  if (!valid) throw problems.unauthorized("The key is not valid for this operation.");
}

/** Throws 401 unless the request carries `Authorization: Bearer <ADMIN_API_KEY>`. */
export function requireAdmin(c: Context, adminApiKey: string): void {
  const header = c.req.header("authorization");
  if (header === undefined)
    throw problems.unauthorized(
      "This operation needs the admin key: `Authorization: Bearer <ADMIN_API_KEY>`.",
    );
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match || !constantTimeEqual(match[1]!, adminApiKey)) {
    throw problems.unauthorized("The admin key is not valid.");
  }
}
