/**
 * Identifier rules shared by the contract and the domain: URL-safe, short (they appear in every
 * Redis key and heartbeat), and free of the separators the key layout uses.
 */
export const STAGE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Viewer ids come from the operator's user ids, so a few more characters are allowed. */
export const VIEWER_ID_PATTERN = /^[A-Za-z0-9_.:@-]{1,128}$/;
/**
 * Anonymous viewers get an id the service makes up (`~` and 128 random bits, base64url) when
 * they start an anonymous session. `~` is never in VIEWER_ID_PATTERN, so an operator's viewer id
 * can never name an anonymous viewer, nor the other way round.
 */
export const ANONYMOUS_VIEWER_ID_PATTERN = /^~[A-Za-z0-9_-]{22}$/;
/** Any viewer id the service records: an operator's, or an anonymous session's. */
export const RECORDED_VIEWER_ID_PATTERN = /^(~[A-Za-z0-9_-]{22}|[A-Za-z0-9_.:@-]{1,128})$/;
export function isAnonymousViewerId(viewerId) {
    return ANONYMOUS_VIEWER_ID_PATTERN.test(viewerId);
}
/** A new anonymous viewer id: `~` and 16 random bytes in base64url. */
export function randomAnonymousViewerId() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    let binary = "";
    for (const byte of bytes)
        binary += String.fromCharCode(byte);
    return `~${btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}`;
}
