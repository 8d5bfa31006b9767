/**
 * Viewer tokens: compact HS256 JWTs (RFC 7519) made and checked with `jose`. The subject (`sub`)
 * is the viewer id, the audience (`aud`) the one stage the token counts on; `iat`, `nbf` and a
 * short `exp` bound it in time. The header's `kid` names the secret that signed it (a hash of
 * the secret, see {@link viewerTokenKeyId}), so a deployment can rotate its secret: tokens of
 * the previous one stay valid while they live. WebCrypto underneath, so the same code signs in a
 * Node or Deno backend and verifies in a Worker.
 */
import { base64url, decodeProtectedHeader, errors, jwtVerify, SignJWT } from "jose";
import { RECORDED_VIEWER_ID_PATTERN, STAGE_ID_PATTERN } from "./ids.js";
export class ViewerTokenError extends Error {
    code;
    name = "ViewerTokenError";
    constructor(code, message) {
        super(message);
        this.code = code;
    }
}
const encoder = new TextEncoder();
/**
 * The `kid` of tokens signed with `secret`: the first 16 characters of the base64url SHA-256 of
 * the secret (96 bits), enough to tell a deployment's few secrets apart and nothing to learn a
 * 256-bit secret from. Derived, not configured, so backends that sign tokens themselves need no
 * setting beyond the secret.
 */
export async function viewerTokenKeyId(secret) {
    const digest = await crypto.subtle.digest("SHA-256", encoder.encode(`viewer-token\n${secret}`));
    return base64url.encode(new Uint8Array(digest)).slice(0, 16);
}
function importHmacKey(secret) {
    return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}
/** Maximum token lifetime accepted when signing, in seconds (1 day). */
export const MAX_VIEWER_TOKEN_TTL_SEC = 86_400;
/**
 * Signs a viewer token. For backends that issue tokens themselves instead of calling
 * `issueViewerToken`: `signViewerToken({ secret, viewerId, stageId, ttlSec: 3600 })`.
 * `ttlSec` defaults to 1 hour; `nowMs` defaults to the clock.
 */
export async function signViewerToken(options) {
    const { secret, viewerId, stageId, ttlSec = 3600, nowMs = Date.now() } = options;
    if (!RECORDED_VIEWER_ID_PATTERN.test(viewerId))
        throw new RangeError("viewerId has a bad format");
    if (!STAGE_ID_PATTERN.test(stageId))
        throw new RangeError("stageId has a bad format");
    if (!(ttlSec > 0 && ttlSec <= MAX_VIEWER_TOKEN_TTL_SEC)) {
        throw new RangeError(`ttlSec must be from 1 to ${MAX_VIEWER_TOKEN_TTL_SEC}`);
    }
    const issuedAt = Math.floor(nowMs / 1000);
    const expiresAt = issuedAt + Math.floor(ttlSec);
    const token = await new SignJWT({})
        .setProtectedHeader({ alg: "HS256", typ: "JWT", kid: await viewerTokenKeyId(secret) })
        .setSubject(viewerId)
        .setAudience(stageId)
        .setIssuedAt(issuedAt)
        .setNotBefore(issuedAt)
        .setExpirationTime(expiresAt)
        .sign(encoder.encode(secret));
    return { token, expiresAt };
}
/** Tokens a verifier remembers as verified (about 250 B each: 2.5 MB at most). */
const VERIFIED_TOKENS_KEPT = 10_000;
/** How far ahead of this clock a signer's clock may be (`nbf`, `iat`): 30 s. */
const CLOCK_SKEW_SEC = 30;
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
export function createViewerTokenVerifier(secrets) {
    const accepted = typeof secrets === "string" ? [secrets] : [...secrets];
    // The imported keys once known: never the promise of them, which a Worker request other than
    // the one that started it must not await (it never settles once that one is cancelled).
    let keys;
    const verified = new Map();
    function check(claims, expect) {
        if (claims.expiresAt * 1000 + (expect.expiredGraceMs ?? 0) <= expect.nowMs)
            throw new ViewerTokenError("expired", "the token has expired");
        if (expect.stageId !== undefined && claims.stageId !== expect.stageId) {
            throw new ViewerTokenError("wrong_stage", "the token was issued for another stage");
        }
        return claims;
    }
    /** The keys to try for a token: the one its `kid` names, or every one without a `kid`. */
    async function keysFor(token) {
        let header;
        try {
            header = decodeProtectedHeader(token);
        }
        catch {
            throw new ViewerTokenError("malformed", "the token is not a JWT");
        }
        if (header.alg !== "HS256") {
            throw new ViewerTokenError("malformed", "only HS256 tokens are accepted");
        }
        keys ??= await Promise.all(accepted.map(async (secret) => ({
            kid: await viewerTokenKeyId(secret),
            key: await importHmacKey(secret),
        })));
        const held = keys;
        if (header.kid === undefined)
            return held.map(({ key }) => key);
        const named = held.find(({ kid }) => kid === header.kid);
        if (named === undefined) {
            throw new ViewerTokenError("bad_signature", "the token was signed with a key not accepted");
        }
        return [named.key];
    }
    return async function verify(token, expect) {
        const known = verified.get(token);
        if (known !== undefined)
            return check(known, expect);
        const candidates = await keysFor(token);
        let payload;
        for (const key of candidates) {
            try {
                ({ payload } = await jwtVerify(token, key, {
                    algorithms: ["HS256"],
                    currentDate: new Date(expect.nowMs),
                    // Expiry is checked below, exactly, with the caller's grace; this is for `nbf`.
                    clockTolerance: CLOCK_SKEW_SEC + Math.ceil((expect.expiredGraceMs ?? 0) / 1000),
                }));
                break;
            }
            catch (error) {
                if (error instanceof errors.JWSSignatureVerificationFailed)
                    continue;
                throw asViewerTokenError(error);
            }
        }
        if (payload === undefined) {
            throw new ViewerTokenError("bad_signature", "the token's signature is not valid");
        }
        // `stg` is where tokens of older versions named the stage.
        const { sub, aud, stg, exp } = payload;
        const stageId = typeof aud === "string" ? aud : stg;
        if (typeof sub !== "string" ||
            !RECORDED_VIEWER_ID_PATTERN.test(sub) ||
            typeof stageId !== "string" ||
            typeof exp !== "number") {
            throw new ViewerTokenError("malformed", "the token lacks sub, aud or exp");
        }
        const checked = { viewerId: sub, stageId, expiresAt: exp };
        // Oldest first out (a Map iterates in insertion order).
        if (verified.size >= VERIFIED_TOKENS_KEPT)
            verified.delete(verified.keys().next().value);
        verified.set(token, checked);
        return check(checked, expect);
    };
}
/** What jose found wrong, in our terms. */
function asViewerTokenError(error) {
    if (error instanceof errors.JWTExpired) {
        return new ViewerTokenError("expired", "the token has expired");
    }
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === "nbf") {
        return new ViewerTokenError("not_yet_valid", "the token is not valid yet (nbf)");
    }
    if (error instanceof errors.JOSEError) {
        return new ViewerTokenError("malformed", "the token is not a valid JWT");
    }
    if (error instanceof TypeError || error instanceof SyntaxError) {
        return new ViewerTokenError("malformed", "the token is not a JWT");
    }
    throw error;
}
