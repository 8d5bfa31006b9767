export interface ViewerClaims {
    viewerId: string;
    stageId: string;
    /** Expiry, epoch seconds. */
    expiresAt: number;
}
export type ViewerTokenProblem = "malformed" | "bad_signature" | "expired" | "not_yet_valid" | "wrong_stage";
export declare class ViewerTokenError extends Error {
    readonly code: ViewerTokenProblem;
    readonly name = "ViewerTokenError";
    constructor(code: ViewerTokenProblem, message: string);
}
/**
 * The `kid` of tokens signed with `secret`: the first 16 characters of the base64url SHA-256 of
 * the secret (96 bits), enough to tell a deployment's few secrets apart and nothing to learn a
 * 256-bit secret from. Derived, not configured, so backends that sign tokens themselves need no
 * setting beyond the secret.
 */
export declare function viewerTokenKeyId(secret: string): Promise<string>;
/** Maximum token lifetime accepted when signing, in seconds (1 day). */
export declare const MAX_VIEWER_TOKEN_TTL_SEC = 86400;
/**
 * Signs a viewer token. For backends that issue tokens themselves instead of calling
 * `issueViewerToken`: `signViewerToken({ secret, viewerId, stageId, ttlSec: 3600 })`.
 * `ttlSec` defaults to 1 hour; `nowMs` defaults to the clock.
 */
export declare function signViewerToken(options: {
    secret: string;
    viewerId: string;
    stageId: string;
    ttlSec?: number;
    nowMs?: number;
}): Promise<{
    token: string;
    expiresAt: number;
}>;
/**
 * Returns a verifier holding the imported keys, so a Worker isolate imports each once rather
 * than on every heartbeat. `secrets` is the current secret, then any previous ones still
 * accepted (rotation). The verifier checks the signature (with the key the `kid` names; a token
 * without `kid`, from an older signer, is tried against each secret), `nbf`, expiry and (when
 * given) the stage.
 *
 * It also remembers the claims of the last tokens whose signature it verified: a viewer sends
 * the same token every 30 s, and a signature that was valid stays valid (the claims cannot
 * change without changing the token, which is the cache key, signature included). Expiry and
 * stage are still checked on every call, so remembering changes no answer, only the HMAC work.
 */
export declare function createViewerTokenVerifier(secrets: string | readonly string[]): (token: string, expect: {
    stageId?: string;
    nowMs: number;
    expiredGraceMs?: number;
}) => Promise<ViewerClaims>;
