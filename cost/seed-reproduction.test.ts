import { describe, expect, it } from "vitest";
import { measuredInputs } from "./measured";
import { CURRENT_CATALOGUE } from "./prices";
import {
  renderSeedTableMarkdown,
  SEED_ASSUMPTIONS,
  seedComparison,
  seedPureDynamoBill,
} from "./seed-reproduction";

const within = (actual: number, expected: number, share: number) =>
  Math.abs(actual - expected) / expected <= share;

describe("the seed's pure-DynamoDB bill under its own assumptions", () => {
  it("reproduces $1,320 at 10,000 viewers within 1%", () => {
    const bill = seedPureDynamoBill(10_000);
    expect(within(bill.totalUsd, 1320, 0.01)).toBe(true);
    expect(bill.totalUsd).toBeCloseTo(1314, 6);
  });

  it("reproduces $6,600 at 50,000 viewers within 1%", () => {
    const bill = seedPureDynamoBill(50_000);
    expect(within(bill.totalUsd, 6600, 0.01)).toBe(true);
    expect(bill.totalUsd).toBeCloseTo(6570, 6);
  });

  it("uses the 720-hour month, which reproduces closer than 730", () => {
    expect(SEED_ASSUMPTIONS.hoursPerMonth).toBe(720);
    const at730 = seedPureDynamoBill(10_000, undefined, 730).totalUsd;
    expect(Math.abs(at730 - 1320)).toBeGreaterThan(
      Math.abs(seedPureDynamoBill(10_000).totalUsd - 1320),
    );
  });

  it("does not reproduce at today's prices", () => {
    const today = seedPureDynamoBill(10_000, CURRENT_CATALOGUE).totalUsd;
    expect(within(today, 1320, 0.01)).toBe(false);
    expect(today).toBeCloseTo(657, 0);
  });
});

describe("seedComparison", () => {
  const rows = seedComparison();
  const find = (viewers: number, item: string) => {
    const row = rows.find((r) => r.viewers === viewers && r.item.startsWith(item));
    if (row === undefined) throw new Error(`no row ${item} at ${viewers}`);
    return row;
  };

  it("carries the seed's figures", () => {
    expect(find(10_000, "Pure DynamoDB, the seed's").seed?.low).toBe(1320);
    expect(find(50_000, "Pure DynamoDB, the seed's").seed?.low).toBe(6600);
    expect(find(10_000, "Batched").seed).toMatchObject({ low: 250, high: 500 });
    expect(find(10_000, "Hybrid total").seed?.low).toBe(24);
    expect(find(50_000, "Hybrid total").seed?.low).toBe(98);
    expect(find(10_000, "Saving").seed).toMatchObject({ low: 98.2, unit: "%" });
  });

  it("halves the seed's request bill at today's prices (730 h)", () => {
    expect(find(10_000, "Pure DynamoDB, the seed's").corrected).toBeCloseTo(666.125, 3);
    expect(find(50_000, "Pure DynamoDB, the seed's").corrected).toBeCloseTo(3330.625, 3);
  });

  it("puts scheme 2 far above the seed's $250-500 claim", () => {
    expect(find(10_000, "Batched").corrected).toBeGreaterThan(500);
  });

  it("prices the hybrid with its edge tier, well above $24", () => {
    const hybrid = find(10_000, "Hybrid total").corrected;
    expect(hybrid).toBeGreaterThan(280);
    expect(find(10_000, "Saving").corrected).toBeLessThan(98.2);
  });

  it("renders a markdown row per comparison", () => {
    const md = renderSeedTableMarkdown(rows);
    const lines = md.split("\n");
    expect(lines).toHaveLength(rows.length + 2);
    expect(lines[0]).toMatch(/^\| Viewers \| Item \| Seed \|/);
    expect(md).toContain("| $1,320 | $1,314 | $666 |");
    expect(md).toContain("$250–$500");
  });
});

describe("the rows a sceptic asks for", () => {
  const rows = seedComparison({ workload: measuredInputs() });
  const find = (viewers: number, item: string) => {
    const row = rows.find((r) => r.viewers === viewers && r.item.startsWith(item));
    if (row === undefined) throw new Error(`no row ${item} at ${viewers}`);
    return row;
  };

  it.each([10_000, 50_000])(
    "at %d viewers: savings both ways, Durable Objects, headers, storage over time",
    (viewers) => {
      const hybrid = find(viewers, "Hybrid total (this system)").corrected;
      const onDemand = find(viewers, "Pure DynamoDB, whole bill").corrected;
      expect(find(viewers, "Saving of the hybrid over pure DynamoDB").corrected).toBeCloseTo(
        100 * (1 - hybrid / onDemand),
        9,
      );
      const provisioned = find(viewers, "Saving of the hybrid over provisioned DynamoDB").corrected;
      expect(provisioned).toBeLessThan(
        find(viewers, "Saving of the hybrid over pure DynamoDB").corrected,
      );
      expect(find(viewers, "Durable Objects instead").seed).toBeUndefined();
      expect(find(viewers, "Durable Objects instead").corrected).toBeLessThan(hybrid);
      expect(
        find(viewers, "Hybrid total if Upstash meters HTTP headers").corrected,
      ).toBeGreaterThanOrEqual(hybrid);
      expect(find(viewers, "Of which heartbeats sent beyond").corrected).toBeGreaterThanOrEqual(0);
      expect(find(viewers, "DynamoDB storage, month 1 / 12 / 36").reason).toMatch(
        /at month 1 .* at month 12 .* at month 36/,
      );
    },
  );

  it("renders a row the seed did not have with a dash", () => {
    expect(renderSeedTableMarkdown(rows)).toMatch(
      /\| 10,000 \| Durable Objects instead \(not built\) \| — \| {2}\| \$\d+ \|/,
    );
  });

  it("has pure Redis on a fixed plan, and says what the hybrid's extra buys", () => {
    expect(find(10_000, "Pure Redis on a fixed plan").reason).toMatch(
      /durable history, billing records and restore/,
    );
  });
});
