/**
 * Identifier rules shared by the contract and the domain: URL-safe, short (they appear in every
 * Redis key and heartbeat), and free of the separators the key layout uses.
 */
export declare const STAGE_ID_PATTERN: RegExp;
/** Viewer ids come from the operator's user ids, so a few more characters are allowed. */
export declare const VIEWER_ID_PATTERN: RegExp;
/**
 * Anonymous viewers get an id the service makes up (`~` and 128 random bits, base64url) when
 * they start an anonymous session. `~` is never in VIEWER_ID_PATTERN, so an operator's viewer id
 * can never name an anonymous viewer, nor the other way round.
 */
export declare const ANONYMOUS_VIEWER_ID_PATTERN: RegExp;
/** Any viewer id the service records: an operator's, or an anonymous session's. */
export declare const RECORDED_VIEWER_ID_PATTERN: RegExp;
export declare function isAnonymousViewerId(viewerId: string): boolean;
/** A new anonymous viewer id: `~` and 16 random bytes in base64url. */
export declare function randomAnonymousViewerId(): string;
