import { describe, expect, it } from "vitest";
import { BACKOFF_BASE_MS, BACKOFF_CAP_MS, backoffDelayMs } from "./backoff";

describe("backoffDelayMs", () => {
  it("draws uniformly from a window that doubles from 2 s", () => {
    const top = (attempt: number) => backoffDelayMs({ attempt, random: () => 1 });
    expect([0, 1, 2, 3].map(top)).toEqual([2_000, 4_000, 8_000, 16_000]);
    expect(backoffDelayMs({ attempt: 2, random: () => 0.25 })).toBe(2_000);
    expect(backoffDelayMs({ attempt: 0, random: () => 0 })).toBe(0);
  });

  it("caps the window at 60 s, however many failures", () => {
    expect(backoffDelayMs({ attempt: 5, random: () => 1 })).toBe(BACKOFF_CAP_MS);
    expect(backoffDelayMs({ attempt: 10_000, random: () => 1 })).toBe(BACKOFF_CAP_MS);
  });

  it("never goes below Retry-After and puts the jitter on top of it", () => {
    expect(backoffDelayMs({ attempt: 0, retryAfterMs: 10_000, random: () => 0 })).toBe(10_000);
    expect(backoffDelayMs({ attempt: 0, retryAfterMs: 10_000, random: () => 1 })).toBe(20_000);
    expect(backoffDelayMs({ attempt: 3, retryAfterMs: 120_000, random: () => 1 })).toBe(
      120_000 + BACKOFF_CAP_MS,
    );
  });

  it("keeps the 2 s window when Retry-After is shorter", () => {
    expect(backoffDelayMs({ attempt: 0, retryAfterMs: 0, random: () => 1 })).toBe(BACKOFF_BASE_MS);
    expect(backoffDelayMs({ attempt: 1, retryAfterMs: 1_000, random: () => 1 })).toBe(5_000);
  });

  it("takes its own base and cap", () => {
    expect(backoffDelayMs({ attempt: 4, random: () => 1, baseMs: 100, capMs: 1_000 })).toBe(1_000);
    expect(backoffDelayMs({ attempt: 2, random: () => 1, baseMs: 100, capMs: 1_000 })).toBe(400);
  });
});
