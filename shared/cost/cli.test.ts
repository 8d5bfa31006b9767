import { describe, expect, it } from "vitest";
import { main, parseArgs, UsageError } from "./cli";
import { MEASURED_HEARTBEAT } from "./measured";

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
    expect(r.out).toMatch(/DynamoDB on demand\s+281\.72\s+0\.00\s+547\.50/);
    expect(r.out).toContain("Fixed 5GB");
  });

  it("prints raw estimates with --json", () => {
    const r = run("--viewers", "500", "--json");
    const parsed = JSON.parse(r.out);
    expect(parsed.workload.viewers).toBe(500);
    expect(parsed.estimates).toHaveLength(7);
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
  it("prices the measured heartbeat, as the API's estimateCost does", () => {
    const { code, out } = run("--viewers", "50000", "--json");
    expect(code).toBe(0);
    const { workload } = JSON.parse(out) as {
      workload: { redisCommandsPerHeartbeat: number; redisBytesPerHeartbeat: number };
    };
    expect(workload).toMatchObject({
      redisCommandsPerHeartbeat: MEASURED_HEARTBEAT.redisCommandsPerHeartbeat,
      redisBytesPerHeartbeat: MEASURED_HEARTBEAT.redisBytesPerHeartbeat,
    });
    const given = JSON.parse(run("--viewers", "50000", "--commands", "2", "--json").out);
    expect(given.workload.redisCommandsPerHeartbeat).toBe(2);
  });
});
