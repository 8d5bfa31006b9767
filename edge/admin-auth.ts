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
