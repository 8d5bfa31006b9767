/**
 * JWTs (RFC 7519) as compact JWS signed with HS256 (RFC 7515), on Web Crypto alone, so the same
 * code signs in a Node or Deno backend and verifies in a Worker with no dependency. Only what
 * viewer tokens need: sign with an HMAC key, read the (untrusted) header to pick a key, and check
 * the signature over the parts as they came before any claim is decoded, and so trusted.
 */
import { decodeBase64url, encodeBase64url } from "./base64url";

export type JsonObject = Record<string, unknown>;

/** Not a compact JWS holding a JSON object in its header and payload, or not one we accept. */
export class MalformedJwtError extends Error {
  override readonly name = "MalformedJwtError";
}

const encoder = new TextEncoder();
/** Fatal: bytes that are not UTF-8 make a malformed token, never replacement characters. */
const decoder = new TextDecoder("utf-8", { fatal: true });

export function importHs256Key(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
}

function encodeJson(value: JsonObject): string {
  return encodeBase64url(encoder.encode(JSON.stringify(value)));
}

function decodeJson(part: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(decodeBase64url(part)));
  } catch {
    throw new MalformedJwtError("a part of the token is not base64url JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new MalformedJwtError("a part of the token is not a JSON object");
  }
  return value as JsonObject;
}

function split(token: string): [header: string, payload: string, signature: string] {
  const parts = token.split(".");
  if (parts.length !== 3) throw new MalformedJwtError("a JWT has three parts");
  return parts as [string, string, string];
}

/** Signs `claims` under `header` (its members in the order given; `alg` must say HS256). */
export async function signJwt(
  header: { alg: "HS256" } & JsonObject,
  claims: JsonObject,
  key: CryptoKey,
): Promise<string> {
  const input = `${encodeJson(header)}.${encodeJson(claims)}`;
  const signature = await crypto.subtle.sign("HMAC", key, encoder.encode(input));
  return `${input}.${encodeBase64url(new Uint8Array(signature))}`;
}

/** The token's header, not yet trusted: what says which key to check the signature with. */
export function jwtHeader(token: string): JsonObject {
  return decodeJson(split(token)[0]);
}

/**
 * The claims of `token` when `key` made its signature, undefined when it did not. Throws a
 * MalformedJwtError for a token that is not an HS256 JWS, or marks an extension as critical
 * (`crit`: none is understood here, so RFC 7515 §4.1.11 says refuse).
 */
export async function verifiedJwtClaims(
  token: string,
  key: CryptoKey,
): Promise<JsonObject | undefined> {
  const [header, payload, signature] = split(token);
  const { alg, crit } = decodeJson(header);
  if (alg !== "HS256") throw new MalformedJwtError("only HS256 tokens are accepted");
  if (crit !== undefined) throw new MalformedJwtError("no critical extension is understood");
  let mac: Uint8Array<ArrayBuffer>;
  try {
    mac = decodeBase64url(signature);
  } catch {
    throw new MalformedJwtError("the signature is not base64url");
  }
  const signed = await crypto.subtle.verify(
    "HMAC",
    key,
    mac,
    encoder.encode(`${header}.${payload}`),
  );
  return signed ? decodeJson(payload) : undefined;
}
