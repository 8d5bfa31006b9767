import { jwtVerify, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import {
  createViewerTokenVerifier,
  signViewerToken,
  ViewerTokenError,
  viewerTokenKeyId,
} from "./viewer-token";

const secret = "unit-test-secret-unit-test-secret-123";
const nowMs = Date.UTC(2026, 10, 27, 12, 0, 0);

async function problemOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ViewerTokenError) return error.code;
    throw error;
  }
  return "accepted";
}

describe("viewer tokens", () => {
  it("round-trips the viewer, the stage and the expiry", async () => {
    const { token, expiresAt } = await signViewerToken({
      secret,
      viewerId: "u-1",
      stageId: "s1",
      ttlSec: 60,
      nowMs,
    });
    expect(expiresAt).toBe(nowMs / 1000 + 60);
    const verify = createViewerTokenVerifier(secret);
    expect(await verify(token, { stageId: "s1", nowMs })).toEqual({
      viewerId: "u-1",
      stageId: "s1",
      expiresAt,
    });
  });

  it("names what is wrong with a bad token", async () => {
    const verify = createViewerTokenVerifier(secret);
    const { token } = await signViewerToken({
      secret,
      viewerId: "u-1",
      stageId: "s1",
      ttlSec: 60,
      nowMs,
    });
    const [header, payload, signature] = token.split(".");
    const noneHeader = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString(
      "base64url",
    );
    expect(await problemOf(verify(token, { stageId: "s1", nowMs: nowMs + 60_000 }))).toBe(
      "expired",
    );
    expect(await problemOf(verify(token, { stageId: "s2", nowMs }))).toBe("wrong_stage");
    expect(
      await problemOf(verify(`${header}.${payload}.${signature?.slice(0, -2)}AA`, { nowMs })),
    ).toBe("bad_signature");
    expect(await problemOf(verify(`${noneHeader}.${payload}.`, { nowMs }))).toBe("malformed");
    expect(await problemOf(verify("a.b", { nowMs }))).toBe("malformed");
    expect(await problemOf(verify("!!.??.**", { nowMs }))).toBe("malformed");
    // Any part whose base64url length is 1 mod 4 encodes no whole byte (atob throws on it).
    expect(await problemOf(verify("eyJhbGciOiJIUzI1NiJ9.e30.A", { nowMs }))).toBe("malformed");
    const oneMod4 = (part = "") => part + "A".repeat((5 - (part.length % 4)) % 4 || 4);
    expect(oneMod4("abc").length % 4).toBe(1);
    expect(await problemOf(verify(`${header}.${payload}.${oneMod4(signature)}`, { nowMs }))).toBe(
      "malformed",
    );
    // A payload that is not base64url fails the signature first: the signature is checked
    // over the raw parts before it decodes (and so trusts) any claim.
    expect(await problemOf(verify(`${header}.${oneMod4(payload)}.${signature}`, { nowMs }))).toBe(
      "bad_signature",
    );
    expect(
      await problemOf(
        createViewerTokenVerifier("another-secret-another-secret-123")(token, { nowMs }),
      ),
    ).toBe("bad_signature");
  });

  it("names its secret in `kid` and accepts a previous secret while rotating", async () => {
    const previous = "previous-secret-previous-secret-12";
    const old = await signViewerToken({ secret: previous, viewerId: "v", stageId: "s1", nowMs });
    const current = await signViewerToken({ secret, viewerId: "v", stageId: "s1", nowMs });
    const header = (token: string) =>
      JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString());
    expect(header(current.token).kid).toBe(await viewerTokenKeyId(secret));
    expect(header(old.token).kid).not.toBe(header(current.token).kid);
    const rotating = createViewerTokenVerifier([secret, previous]);
    expect(await rotating(old.token, { stageId: "s1", nowMs })).toMatchObject({ viewerId: "v" });
    expect(await rotating(current.token, { stageId: "s1", nowMs })).toMatchObject({
      viewerId: "v",
    });
    // Once the previous secret is dropped, its tokens are refused.
    expect(await problemOf(createViewerTokenVerifier(secret)(old.token, { nowMs }))).toBe(
      "bad_signature",
    );
  });

  it("takes the claims it checks: aud as the stage, nbf, and the older stg", async () => {
    const { token } = await signViewerToken({ secret, viewerId: "v", stageId: "s1", nowMs });
    const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString());
    expect(claims).toEqual({
      sub: "v",
      aud: "s1",
      iat: nowMs / 1000,
      nbf: nowMs / 1000,
      exp: nowMs / 1000 + 3600,
    });
    const verify = createViewerTokenVerifier(secret);
    // Signed by a clock more than 30 s ahead of ours: not valid yet.
    expect(await problemOf(verify(token, { stageId: "s1", nowMs: nowMs - 31_000 }))).toBe(
      "not_yet_valid",
    );
    expect(await verify(token, { stageId: "s1", nowMs: nowMs - 29_000 })).toMatchObject({
      stageId: "s1",
    });
    // A token of an older signer: the stage in `stg`, no `kid`, no `nbf`.
    const legacy = await new SignJWT({ stg: "s2" })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject("v")
      .setIssuedAt(nowMs / 1000)
      .setExpirationTime(nowMs / 1000 + 60)
      .sign(new TextEncoder().encode(secret));
    expect(await verify(legacy, { stageId: "s2", nowMs })).toEqual({
      viewerId: "v",
      stageId: "s2",
      expiresAt: nowMs / 1000 + 60,
    });
  });

  it("refuses to sign ids the key layout cannot hold, or silly lifetimes", async () => {
    await expect(signViewerToken({ secret, viewerId: "a|b", stageId: "s1" })).rejects.toThrow(
      RangeError,
    );
    await expect(signViewerToken({ secret, viewerId: "a", stageId: "s 1" })).rejects.toThrow(
      RangeError,
    );
    await expect(
      signViewerToken({ secret, viewerId: "a", stageId: "s1", ttlSec: 0 }),
    ).rejects.toThrow(RangeError);
  });

  it("answers a remembered token exactly as a fresh one: expiry and stage still checked", async () => {
    const nowMs = Date.UTC(2026, 10, 27, 12);
    const { token } = await signViewerToken({
      secret,
      viewerId: "v",
      stageId: "s1",
      ttlSec: 60,
      nowMs,
    });
    const verify = createViewerTokenVerifier(secret);
    expect(await verify(token, { stageId: "s1", nowMs })).toMatchObject({ viewerId: "v" });
    expect(await verify(token, { stageId: "s1", nowMs })).toMatchObject({ viewerId: "v" });
    expect(await problemOf(verify(token, { stageId: "s2", nowMs }))).toBe("wrong_stage");
    expect(await problemOf(verify(token, { stageId: "s1", nowMs: nowMs + 60_000 }))).toBe(
      "expired",
    );
    // Another signature on the same claims is another token: verified, and refused.
    const [header, payload] = token.split(".");
    const forged = `${header}.${payload}.${"A".repeat(43)}`;
    expect(await problemOf(verify(forged, { nowMs }))).toBe("bad_signature");
  });

  it("signs byte for byte what jose signs, and jose, an independent implementation, accepts it", async () => {
    const { token } = await signViewerToken({ secret, viewerId: "v", stageId: "s1", nowMs });
    const key = new TextEncoder().encode(secret);
    const byJose = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256", typ: "JWT", kid: await viewerTokenKeyId(secret) })
      .setSubject("v")
      .setAudience("s1")
      .setIssuedAt(nowMs / 1000)
      .setNotBefore(nowMs / 1000)
      .setExpirationTime(nowMs / 1000 + 3600)
      .sign(key);
    expect(token).toBe(byJose);
    const { payload } = await jwtVerify(token, key, {
      algorithms: ["HS256"],
      audience: "s1",
      currentDate: new Date(nowMs),
    });
    expect(payload.sub).toBe("v");
  });

  it("refuses as malformed what is not a plain HS256 JWT, even when validly signed", async () => {
    const verify = createViewerTokenVerifier(secret);
    const key = new TextEncoder().encode(secret);
    const claims = { sub: "v", aud: "s1", exp: nowMs / 1000 + 60 };
    const signed = (header: { alg: string } & Record<string, unknown>, body: object = claims) =>
      new SignJWT(body as Record<string, unknown>).setProtectedHeader(header).sign(key);
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    // Sanity: the same claims and header without the flaw are accepted.
    expect(await verify(await signed({ alg: "HS256" }), { nowMs })).toMatchObject({
      viewerId: "v",
    });
    // An extension marked critical, which nothing here understands (RFC 7515 4.1.11).
    expect(
      await problemOf(verify(await signed({ alg: "HS256", crit: ["b64"], b64: true }), { nowMs })),
    ).toBe("malformed");
    expect(
      await problemOf(verify(await signed({ alg: "HS256" }, { ...claims, nbf: "0" }), { nowMs })),
    ).toBe("malformed");
    expect(
      await problemOf(verify(await signed({ alg: "HS256" }, { ...claims, iat: "0" }), { nowMs })),
    ).toBe("malformed");
    expect(
      await problemOf(verify(await signed({ alg: "HS256" }, { ...claims, exp: "9" }), { nowMs })),
    ).toBe("malformed");
    // A header that is JSON but not an object; bytes that are not UTF-8; a space in a part.
    expect(await problemOf(verify(`${part([1])}.${part(claims)}.AAAA`, { nowMs }))).toBe(
      "malformed",
    );
    const notUtf8 = Buffer.from([0xff, 0xfe, 0x7b]).toString("base64url");
    expect(await problemOf(verify(`${notUtf8}.${part(claims)}.AAAA`, { nowMs }))).toBe("malformed");
    const token = await signed({ alg: "HS256" });
    expect(await problemOf(verify(` ${token}`, { nowMs }))).toBe("malformed");
    expect(await problemOf(verify(`${token}.${token}`, { nowMs }))).toBe("malformed");
  });

  it("allows a signer's clock 30 s ahead, and no more when an expired token may still renew", async () => {
    const { token } = await signViewerToken({ secret, viewerId: "v", stageId: "s1", nowMs });
    const verify = createViewerTokenVerifier(secret);
    // The grace is for expiry (a session renewed after a laptop slept), not for `nbf`.
    expect(
      await problemOf(verify(token, { nowMs: nowMs - 31_000, expiredGraceMs: 86_400_000 })),
    ).toBe("not_yet_valid");
    const expired = await signViewerToken({
      secret,
      viewerId: "v",
      stageId: "s1",
      ttlSec: 60,
      nowMs: nowMs - 3_600_000,
    });
    expect(await verify(expired.token, { nowMs, expiredGraceMs: 86_400_000 })).toMatchObject({
      viewerId: "v",
    });
    expect(await problemOf(verify(expired.token, { nowMs }))).toBe("expired");
  });
});
