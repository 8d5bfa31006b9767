/**
 * The shape of a simulated audience: who joins which stage when, from where, on what device,
 * with how many tabs, and when they go. Pure: a seeded random source in, a plan out.
 */

export interface ViewerPlan {
  viewerId: string;
  stageId: string;
  /** ISO country code sent as `CF-IPCountry` (what Cloudflare sets in production). */
  country: string;
  /** Sent as `User-Agent`: the device class the API records comes from it. */
  userAgent: string;
  /** When the first tab sends its first heartbeat, ms after the start. */
  joinAtMs: number;
  /** When the viewer goes, ms after the start (`Infinity`: stays until the run ends). */
  leaveAtMs: number;
  /** 2 for a viewer who opened the stage in a second tab (counted once by the API). */
  tabs: 1 | 2;
  /** Whether they say goodbye (`leaveStage`, as a page's `pagehide` beacon) or just vanish. */
  sendsLeave: boolean;
}

export interface AudienceShape {
  viewers: number;
  stageIds: readonly string[];
  durationMs: number;
  /** A uniform random number in [0, 1): seeded ({@link seededRandom}) for a repeatable plan. */
  random: () => number;
  /** Prefix of viewer ids (default "viewer"). */
  idPrefix?: string;
}

/** Where demo viewers are, roughly as a European-evening stream's audience might be. */
const COUNTRIES: readonly [string, number][] = [
  ["DE", 0.24],
  ["GB", 0.16],
  ["US", 0.18],
  ["FR", 0.12],
  ["NL", 0.08],
  ["BR", 0.08],
  ["IN", 0.07],
  ["JP", 0.07],
];

/** User-Agents of the four device classes the API tells apart. */
const DEVICES: readonly [string, number][] = [
  [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    0.3,
  ],
  [
    "Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36",
    0.2,
  ],
  [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
    0.25,
  ],
  [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    0.13,
  ],
  [
    "Mozilla/5.0 (SMART-TV; Linux; Tizen 8.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/7.0 TV Safari/537.36",
    0.12,
  ],
];

/** The share of viewers each stage draws: the first stage is the main event. */
const STAGE_WEIGHTS = [0.6, 0.3, 0.1];

function pick<T>(choices: readonly [T, number][], random: () => number): T {
  const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random() * total;
  for (const [value, weight] of choices) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return choices[choices.length - 1]![0];
}

/**
 * Plans an audience: three quarters join during the ramp (the first 30 % of the run, at most
 * 3 minutes, arriving faster as it goes on), the rest trickle in afterwards; about 40 % leave
 * early (churn), the others stay into the last fifth or to the end, so the count climbs to a
 * peak and falls back. About 8 % watch in two tabs; 70 % send a leave, the others vanish (and
 * drop out of the count when their presence expires).
 */
export function planAudience(shape: AudienceShape): ViewerPlan[] {
  const { random, durationMs } = shape;
  const rampMs = Math.min(180_000, durationMs * 0.3);
  const stageWeights = shape.stageIds.map(
    (id, i) => [id, STAGE_WEIGHTS[i] ?? 0.1] as [string, number],
  );
  return Array.from({ length: shape.viewers }, (_, i) => {
    const early = random() < 0.75;
    // sqrt: arrivals speed up through the ramp, as when a stream is announced.
    const joinAtMs = early
      ? rampMs * Math.sqrt(random())
      : rampMs + random() * (durationMs * 0.75 - rampMs);
    const churns = random() < 0.4;
    const leaveAtMs = churns
      ? joinAtMs + (durationMs - joinAtMs) * (0.15 + 0.5 * random())
      : random() < 0.5
        ? durationMs * (0.8 + 0.2 * random())
        : Number.POSITIVE_INFINITY;
    return {
      viewerId: `${shape.idPrefix ?? "viewer"}-${i}`,
      stageId: pick(stageWeights, random),
      country: pick(COUNTRIES, random),
      userAgent: pick(DEVICES, random),
      joinAtMs,
      leaveAtMs,
      tabs: random() < 0.08 ? 2 : 1,
      sendsLeave: random() < 0.7,
    };
  });
}

/** Viewers present at `atMs` under a plan. */
export function presentAt(plan: readonly ViewerPlan[], atMs: number): number {
  return plan.filter((viewer) => viewer.joinAtMs <= atMs && atMs < viewer.leaveAtMs).length;
}

export { seededRandom } from "../seeded-random";
