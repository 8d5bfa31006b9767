import { describe, expect, it } from "vitest";
import { main, parseArgs, UsageError } from "./cli";
import { estimateMonthlyCost } from "./estimate";
import { formatUsd } from "./format";
import { MEASUREMENTS, measuredInputs, measuredWorkload } from "./measured";
import { ARCHITECTURE_IDS } from "./types";

function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("parseArgs", () => {
  it("reads --flag value and --flag=value", () => {
    const o = parseArgs([
      "--viewers",
      "50_000",
      "--interval=60",
      "--consistency",
      "strong",
      "--json",
    ]);
    expect(o.workload).toEqual({
      viewers: 50_000,
      heartbeatIntervalSec: 60,
      consistency: "strong",
    });
    expect(o.json).toBe(true);
  });

  it.each([
    [["--viewrs", "5"], /Unknown flag --viewrs/],
    [["--viewers"], /--viewers needs a value/],
    [["--viewers", "--json"], /--viewers needs a value/],
    [["--viewers", "many"], /--viewers must be a number, got "many"/],
    [["10000"], /Unexpected argument "10000"/],
    [["--json=yes"], /--json takes no value/],
    [["--consistency", "linear"], /--consistency must be/],
  ])("rejects %j", (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });
});

describe("main", () => {
  it("prints the table of architectures by tier", () => {
    const r = run("--viewers", "10000");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /Architecture\s+Edge\s+Redis\s+DDB writes\s+DDB reads\s+DDB storage\s+Transfer\s+Total/,
    );
    const onDemand = estimateMonthlyCost(
      measuredWorkload({ viewers: 10_000 }),
      "dynamodb-on-demand",
    );
    expect(r.out).toContain(
      `DynamoDB on demand              ${formatUsd(onDemand.tiers.edge)}      0.00      ${formatUsd(onDemand.tiers.dynamoWrites)}`,
    );
    expect(r.out).toMatch(
      /Upstash fixed \+ snapshots\s.*\n[\s\S]*Upstash fixed \+ snapshots \[1 x Fixed /,
    );
    expect(r.out).toMatch(/Durable Objects \+ snapshots\s/);
  });

  it("prints raw estimates with --json", () => {
    const r = run("--viewers", "500", "--json");
    const parsed = JSON.parse(r.out);
    expect(parsed.workload.viewers).toBe(500);
    expect(parsed.estimates).toHaveLength(ARCHITECTURE_IDS.length);
  });

  it("prints the seed table with --seed", () => {
    const r = run("--seed");
    expect(r.code).toBe(0);
    expect(r.out).toContain("| $1,320 | $1,314 | $666 |");
  });

  it("exits 2 with a readable error for a bad flag", () => {
    const r = run("--viewers", "10000", "--packing", "nope");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^--packing must be a number/);
    expect(r.err).toContain("Usage:");
    expect(r.out).toBe("");
  });

  it("exits 2 for a workload the model rejects", () => {
    const r = run("--viewers", "-5");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/viewers must be a number >= 0 \(got -5\)/);
  });
});

describe("defaults", () => {
  it("prices every measured input (measured.ts), as the API's estimateCost does", () => {
    const { code, out } = run("--viewers", "50000", "--json");
    expect(code).toBe(0);
    const { workload } = JSON.parse(out) as { workload: Record<string, unknown> };
    expect(workload).toMatchObject(measuredInputs());
    for (const [field, m] of Object.entries(MEASUREMENTS)) {
      expect(workload[field], field).toBe(m.value);
    }
    const given = JSON.parse(run("--viewers", "50000", "--commands", "2", "--json").out);
    expect(given.workload.redisCommandsPerHeartbeat).toBe(2);
  });
});
