import { describe, expect, it } from "vitest";
import { MIN_RENEW_INTERVAL_MS, renewInMs, tokenExpiresAtMs } from "./token-expiry";

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("tokenExpiresAtMs", () => {
  it("reads a JWT's exp without verifying it, base64url with or without padding", () => {
    expect(
      tokenExpiresAtMs(`${encode({ alg: "HS256" })}.${encode({ exp: 1_800_000_000 })}.sig`),
    ).toBe(1_800_000_000_000);
    // Characters base64url has and base64 has not (- and _) decode too.
    const payload = encode({ sub: "ü>>?~~", exp: 1_700_000_123 });
    expect(payload).toMatch(/[-_]/);
    expect(tokenExpiresAtMs(`h.${payload}.s`)).toBe(1_700_000_123_000);
  });

  it("is undefined for what is not a JWT with a numeric exp", () => {
    for (const token of [
      "anon-tok-1",
      "a..c",
      `h.${encode({ exp: "soon" })}.s`,
      "h.!!!.s",
      `h.${encode(null)}.s`,
    ]) {
      expect(tokenExpiresAtMs(token)).toBeUndefined();
    }
  });
});

describe("renewInMs", () => {
  it("renews a minute before expiry, and never sooner than the minimum", () => {
    expect(renewInMs(1_000_000 + 600_000, 1_000_000)).toBe(540_000);
    expect(renewInMs(1_000_000 + 30_000, 1_000_000)).toBe(MIN_RENEW_INTERVAL_MS);
    expect(renewInMs(0, 1_000_000)).toBe(MIN_RENEW_INTERVAL_MS);
  });
});
