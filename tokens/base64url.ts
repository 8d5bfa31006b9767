/**
 * base64url (RFC 4648 §5, no padding), the alphabet of JWTs and anonymous viewer ids. Decoding is
 * strict about the alphabet, so a token part holding anything else is malformed rather than
 * quietly read (atob alone would skip whitespace).
 */

const BASE64URL = /^[A-Za-z0-9_-]*$/;

export function encodeBase64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The bytes `text` encodes; throws a TypeError when it is not base64url (or a length of 1 mod 4). */
export function decodeBase64url(text: string): Uint8Array<ArrayBuffer> {
  if (!BASE64URL.test(text)) throw new TypeError("not base64url");
  let binary: string;
  try {
    binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    throw new TypeError("not base64url");
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
