import { describe, expect, it } from "vitest";
import { createViewerTokenVerifier, signViewerToken, ViewerTokenError } from "./viewer-token";

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
    expect(await problemOf(verify(`${header}.${oneMod4(payload)}.${signature}`, { nowMs }))).toBe(
      "malformed",
    );
    expect(
      await problemOf(
        createViewerTokenVerifier("another-secret-another-secret-123")(token, { nowMs }),
      ),
    ).toBe("bad_signature");
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
});
