/**
 * Where viewers watch from and on what: a country (Cloudflare's `request.cf.country`) and a
 * device class (from the User-Agent, or the `Sec-CH-UA-Mobile` client hint), recorded once per
 * viewer per hour with their index (slot-bitmaps.ts): no command and a few bytes more, and the
 * sync job reads them back with the index list it reads anyway.
 */
/** Viewers whose country is not known (local runs, some networks): counted, never dropped. */
export const UNKNOWN_COUNTRY = "unknown";
const DEVICE_LETTERS = {
    mobile: "m",
    desktop: "d",
    tv: "t",
    other: "o",
};
const DEVICES_BY_LETTER = new Map(Object.entries(DEVICE_LETTERS).map(([device, letter]) => [letter, device]));
/** TVs and their sticks and consoles, checked before phones (Android TV says "Android"). */
const TV = /smart-?tv|smarttv|googletv|android tv|\bcrkey\b|tizen|web0s|webos|netcast|roku|appletv|aft[a-z]|bravia|hbbtv|playstation|xbox/i;
const MOBILE = /mobi|iphone|ipod|ipad|android|silk|kindle|blackberry|opera mini/i;
const DESKTOP = /windows nt|macintosh|mac os x|x11|linux|cros/i;
/** The device class of a request, from its User-Agent and `Sec-CH-UA-Mobile` (`?1`). */
export function deviceClass(userAgent, mobileHint) {
    const ua = userAgent ?? "";
    if (TV.test(ua))
        return "tv";
    if (mobileHint === "?1" || MOBILE.test(ua))
        return "mobile";
    if (DESKTOP.test(ua))
        return "desktop";
    return "other";
}
/** The country of a request: Cloudflare's `cf.country`, else its `CF-IPCountry` header. */
export function countryOf(cfCountry, header) {
    const code = typeof cfCountry === "string" ? cfCountry : header;
    return code !== undefined && /^[A-Z][A-Z0-9]$/.test(code) ? code : UNKNOWN_COUNTRY;
}
/** `<country>|<device letter>`: what follows the viewer id in the index list (`il:`). */
export function audienceTag(audience) {
    return `${audience.country}|${DEVICE_LETTERS[audience.device]}`;
}
/**
 * An index list entry read back: `<viewer>|<country>|<device letter>`, or a bare viewer id
 * (entries written before breakdowns), whose audience is unknown.
 */
export function parseViewerEntry(entry) {
    const parts = entry.split("|");
    const device = parts.length === 3 ? DEVICES_BY_LETTER.get(parts[2]) : undefined;
    if (device === undefined)
        return { viewerId: entry, country: UNKNOWN_COUNTRY, device: "other" };
    return { viewerId: parts[0], country: parts[1], device };
}
