/**
 * Where viewers watch from and on what: a country (Cloudflare's `request.cf.country`) and a
 * device class (from the User-Agent, or the `Sec-CH-UA-Mobile` client hint), recorded once per
 * viewer per hour with their index (slot-bitmaps.ts): no command and a few bytes more, and the
 * sync job reads them back with the index list it reads anyway.
 */
export type DeviceClass = "mobile" | "desktop" | "tv" | "other";
/** Viewers whose country is not known (local runs, some networks): counted, never dropped. */
export declare const UNKNOWN_COUNTRY = "unknown";
/** Where a viewer watches from and on what. */
export interface Audience {
    /** ISO 3166-1 alpha-2 code as Cloudflare gives it (`XX`, `T1` included), or `unknown`. */
    country: string;
    device: DeviceClass;
}
/** The device class of a request, from its User-Agent and `Sec-CH-UA-Mobile` (`?1`). */
export declare function deviceClass(userAgent: string | undefined, mobileHint?: string): DeviceClass;
/** The country of a request: Cloudflare's `cf.country`, else its `CF-IPCountry` header. */
export declare function countryOf(cfCountry: unknown, header: string | undefined): string;
/** `<country>|<device letter>`: what follows the viewer id in the index list (`il:`). */
export declare function audienceTag(audience: Audience): string;
/**
 * An index list entry read back: `<viewer>|<country>|<device letter>`, or a bare viewer id
 * (entries written before breakdowns), whose audience is unknown.
 */
export declare function parseViewerEntry(entry: string): {
    viewerId: string;
} & Audience;
