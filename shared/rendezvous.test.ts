import { describe, expect, it } from "vitest";
import { seededRandom } from "../test/seeded-random";
import { databaseForStage, databasesForStage, rendezvousWeight } from "./rendezvous";

const FOUR = [
  "https://eu1-alpha-1.upstash.io",
  "https://eu1-bravo-2.upstash.io",
  "https://us1-charlie-3.upstash.io",
  "https://ap1-delta-4.upstash.io",
];
const FIFTH = "https://eu2-echo-5.upstash.io";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

/** `count` stage ids as STAGE_ID_PATTERN allows, 4 to 24 characters. */
function randomStageIds(count: number, seed = 8): string[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const length = 4 + Math.floor(random() * 21);
    let id = "";
    for (let i = 0; i < length; i++) id += ALPHABET[Math.floor(random() * ALPHABET.length)];
    return id;
  });
}

const STAGES = randomStageIds(10_000);

/** The URL each stage lands on. */
const placement = (urls: readonly string[], stages = STAGES) =>
  stages.map((stage) => urls[databaseForStage(urls, stage)]);

function shares(urls: readonly string[], stages: string[]): number[] {
  const counts = urls.map(() => 0);
  for (const stage of stages) counts[databaseForStage(urls, stage)]! += 1;
  return counts.map((n) => n / stages.length);
}

describe("rendezvousWeight", () => {
  it("is FNV-1a with a finalizer, pinned: a change would move stages in every deployment", () => {
    expect(rendezvousWeight("https://eu1-alpha-1.upstash.io", "demo")).toBe(504_340_337);
    expect(rendezvousWeight("https://eu1-bravo-2.upstash.io", "demo")).toBe(1_237_718_415);
  });
});

describe("databaseForStage", () => {
  it("is deterministic and depends on the URLs, not their order", () => {
    const before = placement(FOUR);
    expect(placement([...FOUR])).toEqual(before);
    expect(placement([FOUR[2]!, FOUR[0]!, FOUR[3]!, FOUR[1]!])).toEqual(before);
    expect(databaseForStage([FIFTH], "any")).toBe(0);
  });

  it("spreads 10,000 random stages evenly over 4 databases (25 % ± 2 % each)", () => {
    // Ids that differ only at the end too (FNV-1a without its finalizer fails on these).
    const sequential = Array.from({ length: 10_000 }, (_, i) => `stage-${i}`);
    for (const share of [...shares(FOUR, STAGES), ...shares(FOUR, sequential)]) {
      expect(Math.abs(share - 0.25)).toBeLessThan(0.02);
    }
  });

  it("adding a 5th database moves only the stages that now pick it, about 20 %", () => {
    const before = placement(FOUR);
    const after = placement([...FOUR, FIFTH]);
    const moved = STAGES.filter((_, i) => after[i] !== before[i]);
    expect(moved.length / STAGES.length).toBeGreaterThan(0.18);
    expect(moved.length / STAGES.length).toBeLessThan(0.22);
    // None moved between the old four: every stage that moved, moved to the new one.
    STAGES.forEach((_, i) => {
      if (after[i] !== before[i]) expect(after[i]).toBe(FIFTH);
    });
  });

  it("removing a database moves only its stages, spread over the rest", () => {
    const before = placement(FOUR);
    const removed = FOUR[1]!;
    const after = placement(FOUR.filter((url) => url !== removed));
    const landed = new Map<string, number>();
    STAGES.forEach((_, i) => {
      if (before[i] === removed) {
        landed.set(after[i]!, (landed.get(after[i]!) ?? 0) + 1);
      } else {
        expect(after[i]).toBe(before[i]);
      }
    });
    // About a third of the removed one's ~2,500 stages to each of the other three.
    expect([...landed.keys()].sort()).toEqual(FOUR.filter((url) => url !== removed).sort());
    for (const count of landed.values()) expect(count).toBeGreaterThan(650);
  });

  it("refuses an empty list", () => {
    expect(() => databaseForStage([], "demo")).toThrow(RangeError);
  });
});

describe("databasesForStage", () => {
  it("ranks k distinct databases, the first being databaseForStage's", () => {
    for (const stage of STAGES.slice(0, 1000)) {
      const top = databasesForStage(FOUR, stage, 3);
      expect(top).toHaveLength(3);
      expect(new Set(top).size).toBe(3);
      expect(top[0]).toBe(databaseForStage(FOUR, stage));
      expect(databasesForStage(FOUR, stage, 1)).toEqual([top[0]]);
      // The ranking is by weight, highest first.
      const weights = top.map((i) => rendezvousWeight(FOUR[i]!, stage));
      expect([...weights].sort((a, b) => b - a)).toEqual(weights);
    }
    expect(databasesForStage(FOUR, "demo", 10).sort()).toEqual([0, 1, 2, 3]);
  });

  it("puts each database in about k/N of the stages' sets (2 of 4: 50 % ± 2 %)", () => {
    const counts = FOUR.map(() => 0);
    for (const stage of STAGES) {
      for (const i of databasesForStage(FOUR, stage, 2)) counts[i]! += 1;
    }
    for (const count of counts) expect(Math.abs(count / STAGES.length - 0.5)).toBeLessThan(0.02);
  });

  it("keeps a stage's set when a database outside it is removed, and by URL when reordered", () => {
    const removed = FOUR[0]!;
    const rest = FOUR.slice(1);
    const reversed = [...FOUR].reverse();
    for (const stage of STAGES.slice(0, 2000)) {
      const top = databasesForStage(FOUR, stage, 2).map((i) => FOUR[i]);
      expect(databasesForStage(reversed, stage, 2).map((i) => reversed[i])).toEqual(top);
      if (!top.includes(removed)) {
        expect(databasesForStage(rest, stage, 2).map((i) => rest[i])).toEqual(top);
      }
    }
  });

  it("refuses k below 1 or fractional", () => {
    expect(() => databasesForStage(FOUR, "demo", 0)).toThrow(RangeError);
    expect(() => databasesForStage(FOUR, "demo", 1.5)).toThrow(RangeError);
  });
});
