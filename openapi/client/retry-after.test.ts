import { describe, expect, it } from "vitest";
import { MAX_RETRY_AFTER_MS, parseRetryAfterMs } from "./retry-after";

const NOW = Date.parse("2026-11-27T21:30:00.000Z");

describe("parseRetryAfterMs", () => {
  it("reads delay-seconds", () => {
    expect(parseRetryAfterMs("5", NOW)).toBe(5_000);
    expect(parseRetryAfterMs(" 0 ", NOW)).toBe(0);
  });

  it("reads an HTTP-date against the injected clock", () => {
    expect(parseRetryAfterMs("Fri, 27 Nov 2026 21:30:30 GMT", NOW)).toBe(30_000);
    expect(parseRetryAfterMs("Fri, 27 Nov 2026 21:29:00 GMT", NOW)).toBe(0);
  });

  it("ignores what is absent or unreadable", () => {
    expect(parseRetryAfterMs(null, NOW)).toBeUndefined();
    expect(parseRetryAfterMs(undefined, NOW)).toBeUndefined();
    expect(parseRetryAfterMs("soon", NOW)).toBeUndefined();
    expect(parseRetryAfterMs("-5", NOW)).toBeUndefined();
    expect(parseRetryAfterMs("1.5", NOW)).toBeUndefined();
  });

  it("clamps a wait longer than 15 minutes", () => {
    expect(parseRetryAfterMs("86400", NOW)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfterMs("Sat, 28 Nov 2026 21:30:00 GMT", NOW)).toBe(MAX_RETRY_AFTER_MS);
  });
});
