import { describe, expect, it } from "vitest";
import { seededRandom } from "../../test/seeded-random";
import { BACKOFF_CAP_MS } from "./backoff";
import {
  DEFAULT_RECONNECT_SPREAD_MS,
  reconnectDelayMs,
  socketRetryDelayMs,
} from "./reconnect-delay";

describe("reconnectDelayMs", () => {
  it("spreads a full shard's 10,000 pages closed by a deploy evenly over 30 s, far under an object's 1,000 requests/s", () => {
    const random = seededRandom(17);
    const perSecond = new Array<number>(30).fill(0);
    for (let page = 0; page < 10_000; page++) {
      const delayMs = reconnectDelayMs({
        attempt: 0,
        serverWentAway: true,
        spreadMs: DEFAULT_RECONNECT_SPREAD_MS,
        random,
      });
      expect(delayMs).toBeGreaterThanOrEqual(0);
      expect(delayMs).toBeLessThanOrEqual(DEFAULT_RECONNECT_SPREAD_MS);
      perSecond[Math.min(29, Math.floor(delayMs / 1000))]! += 1;
    }
    // Uniform: 333 a second; a binomial's standard deviation here is 18.
    expect(Math.max(...perSecond)).toBeLessThan(400);
    expect(Math.min(...perSecond)).toBeGreaterThan(266);
  });

  it("spreads exactly by the random it is given: random × spread", () => {
    const at = (random: number) =>
      reconnectDelayMs({
        attempt: 0,
        serverWentAway: true,
        spreadMs: 10_000,
        random: () => random,
      });
    expect([0, 0.25, 0.999].map(at)).toEqual([0, 2_500, 9_990]);
  });

  it("backs off with full jitter for other closes and for failures after the first", () => {
    const window = (attempt: number, serverWentAway: boolean) =>
      reconnectDelayMs({ attempt, serverWentAway, spreadMs: 10_000, random: () => 0.999_999 });
    expect(window(0, false)).toBe(2_000); // a busy server (4429, 4503, 1011): 2 s window
    expect(window(1, true)).toBe(4_000); // the spread reconnect failed too: backoff from there
    expect(window(2, false)).toBe(8_000);
    expect(window(10, false)).toBe(BACKOFF_CAP_MS);
    expect(
      reconnectDelayMs({ attempt: 3, serverWentAway: false, spreadMs: 0, random: () => 0 }),
    ).toBe(0);
  });
});

describe("socketRetryDelayMs", () => {
  it("waits the retry time × 0.5-1.5", () => {
    expect(socketRetryDelayMs(300_000, () => 0)).toBe(150_000);
    expect(socketRetryDelayMs(300_000, () => 0.5)).toBe(300_000);
    expect(socketRetryDelayMs(300_000, () => 0.999_999)).toBe(450_000);
  });
});
