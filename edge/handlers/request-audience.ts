import { audienceTag, countryOf, deviceClass } from "@viewer-presence/shared/audience";
import type { Context } from "hono";

/**
 * The audience tag `<country>|<device>` of a viewer's request (Cloudflare's country, else the
 * `cf-ipcountry` header; the device class from the user agent), as a function: it is worked out
 * only when a viewer gets a new index (a heartbeat or a presence socket alike).
 */
export function requestAudienceTag(c: Context): () => string {
  return () =>
    audienceTag({
      country: countryOf(
        (c.req.raw as { cf?: { country?: unknown } }).cf?.country,
        c.req.header("cf-ipcountry"),
      ),
      device: deviceClass(c.req.header("user-agent"), c.req.header("sec-ch-ua-mobile")),
    });
}
