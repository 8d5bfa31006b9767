import type { Context } from "hono";

/** The key every caller without the header shares (local runs, tests, Node deployments). */
export const SHARED_CLIENT_ADDRESS = "local";

/**
 * The caller's address, for limits per client: Cloudflare sets `CF-Connecting-IP` (clients
 * cannot); where it is absent every caller is one client.
 */
export function clientAddressOf(c: Context): string {
  return c.req.header("cf-connecting-ip") ?? SHARED_CLIENT_ADDRESS;
}
