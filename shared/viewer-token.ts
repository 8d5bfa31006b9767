/**
 * Viewer tokens: compact HS256 JWTs (RFC 7519) whose subject is the viewer id, bound to one
 * stage (`stg`) and short-lived (`exp`). Built on WebCrypto only, so the same code signs in a
 * Node or Deno backend and verifies in a Worker.
 */
import { RECORDED_VIEWER_ID_PATTERN, STAGE_ID_PATTERN } from "./ids";

export interface ViewerClaims {
  viewerId: string;
  stageId: string;
  /** Expiry, epoch seconds. */
  expiresAt: number;
}

export type ViewerTokenProblem = "malformed" | "bad_signature" | "expired" | "wrong_stage";

export class ViewerTokenError extends Error {
  override readonly name = "ViewerTokenError";
  constructor(
    readonly code: ViewerTokenProblem,
    message: string,
  ) {
    super(message);
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function base64UrlEncode(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function base64UrlDecode(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new ViewerTokenError("malformed", "not base64url");
  // A base64url string of length 1 mod 4 encodes no whole byte: atob would throw on it.
  if (text.length % 4 === 1) throw new ViewerTokenError("malformed", "not base64url");
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  const binary = atob(padded);
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

function importHmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
}

const HEADER = base64UrlEncode(encoder.encode(JSON.stringify({ alg: "HS256", typ: "JWT" })));

/** Maximum token lifetime accepted when signing, in seconds (1 day). */
export const MAX_VIEWER_TOKEN_TTL_SEC = 86_400;

/**
 * Signs a viewer token. For backends that issue tokens themselves instead of calling
 * `issueViewerToken`: `signViewerToken({ secret, viewerId, stageId, ttlSec: 3600 })`.
 * `ttlSec` defaults to 1 hour; `nowMs` defaults to the clock.
 */
export async function signViewerToken(options: {
  secret: string;
  viewerId: string;
  stageId: string;
  ttlSec?: number;
  nowMs?: number;
}): Promise<{ token: string; expiresAt: number }> {
  const { secret, viewerId, stageId, ttlSec = 3600, nowMs = Date.now() } = options;
  if (!RECORDED_VIEWER_ID_PATTERN.test(viewerId)) throw new RangeError("viewerId has a bad format");
  if (!STAGE_ID_PATTERN.test(stageId)) throw new RangeError("stageId has a bad format");
  if (!(ttlSec > 0 && ttlSec <= MAX_VIEWER_TOKEN_TTL_SEC)) {
    throw new RangeError(`ttlSec must be from 1 to ${MAX_VIEWER_TOKEN_TTL_SEC}`);
  }
  const issuedAt = Math.floor(nowMs / 1000);
  const expiresAt = issuedAt + Math.floor(ttlSec);
  const payload = base64UrlEncode(
    encoder.encode(JSON.stringify({ sub: viewerId, stg: stageId, iat: issuedAt, exp: expiresAt })),
  );
  const key = await importHmacKey(secret);
  const signature = await crypto.subtle.sign("HMAC", key, encoder.encode(`${HEADER}.${payload}`));
  return {
    token: `${HEADER}.${payload}.${base64UrlEncode(new Uint8Array(signature))}`,
    expiresAt,
  };
}

/** Tokens a verifier remembers as verified (about 250 B each: 2.5 MB at most). */
const VERIFIED_TOKENS_KEPT = 10_000;

/**
 * Returns a verifier holding the imported key, so a Worker isolate imports it once rather than
 * on every heartbeat. The verifier checks signature, expiry and (when given) the stage.
 *
 * It also remembers the claims of the last tokens whose signature it verified: a viewer sends
 * the same token every 30 s, and a signature that was valid stays valid (the claims cannot
 * change without changing the token, which is the cache key, signature included). Expiry and
 * stage are still checked on every call, so remembering changes no answer, only the HMAC work.
 */
export function createViewerTokenVerifier(secret: string) {
  let key: Promise<CryptoKey> | undefined;
  const verified = new Map<string, ViewerClaims>();

  function check(
    claims: ViewerClaims,
    expect: { stageId?: string; nowMs: number; expiredGraceMs?: number },
  ): ViewerClaims {
    if (claims.expiresAt * 1000 + (expect.expiredGraceMs ?? 0) <= expect.nowMs)
      throw new ViewerTokenError("expired", "the token has expired");
    if (expect.stageId !== undefined && claims.stageId !== expect.stageId) {
      throw new ViewerTokenError("wrong_stage", "the token was issued for another stage");
    }
    return claims;
  }

  return async function verify(
    token: string,
    expect: { stageId?: string; nowMs: number; expiredGraceMs?: number },
  ): Promise<ViewerClaims> {
    const known = verified.get(token);
    if (known !== undefined) return check(known, expect);
    const parts = token.split(".");
    if (parts.length !== 3) throw new ViewerTokenError("malformed", "a JWT has three parts");
    const [header, payload, signature] = parts as [string, string, string];
    let claims: { sub?: unknown; stg?: unknown; exp?: unknown };
    let signatureBytes: Uint8Array<ArrayBuffer>;
    try {
      const parsedHeader = JSON.parse(decoder.decode(base64UrlDecode(header)));
      if (parsedHeader?.alg !== "HS256") {
        throw new ViewerTokenError("malformed", "only HS256 tokens are accepted");
      }
      claims = JSON.parse(decoder.decode(base64UrlDecode(payload)));
      signatureBytes = base64UrlDecode(signature);
    } catch (error) {
      if (error instanceof ViewerTokenError) throw error;
      throw new ViewerTokenError("malformed", "the token is not a JWT");
    }
    key ??= importHmacKey(secret);
    const valid = await crypto.subtle.verify(
      "HMAC",
      await key,
      signatureBytes,
      encoder.encode(`${header}.${payload}`),
    );
    if (!valid) throw new ViewerTokenError("bad_signature", "the token's signature is not valid");
    const { sub, stg, exp } = claims ?? {};
    if (
      typeof sub !== "string" ||
      !RECORDED_VIEWER_ID_PATTERN.test(sub) ||
      typeof stg !== "string" ||
      typeof exp !== "number"
    ) {
      throw new ViewerTokenError("malformed", "the token lacks sub, stg or exp");
    }
    const checked: ViewerClaims = { viewerId: sub, stageId: stg, expiresAt: exp };
    // Oldest first out (a Map iterates in insertion order).
    if (verified.size >= VERIFIED_TOKENS_KEPT) verified.delete(verified.keys().next().value!);
    verified.set(token, checked);
    return check(checked, expect);
  };
}
