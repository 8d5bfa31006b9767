/**
 * Identifier rules shared by the contract and the domain: URL-safe, short (they appear in every
 * Redis key and heartbeat), and free of the separators the key layout uses.
 */
export const STAGE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Viewer ids come from the operator's user ids, so a few more characters are allowed. */
export const VIEWER_ID_PATTERN = /^[A-Za-z0-9_.:@-]{1,128}$/;
