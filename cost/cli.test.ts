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
  it("prints the table of architectures by tier, in whole dollars", () => {
    const r = run("--viewers", "10000");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /Architecture\s+Workers\s+Objects\s+Logs\s+Hot store\s+DynamoDB\s+Transfer\s+Total\s+Limits/,
    );
    const onDemand = estimateMonthlyCost(
      measuredWorkload({ viewers: 10_000 }),
      "dynamodb-on-demand",
    );
    expect(r.out).toMatch(
      new RegExp(
        `DynamoDB on demand\\s+${Math.round(onDemand.tiers.edge)}\\s+0\\s+0\\s+0\\s+${Math.round(onDemand.tiers.dynamoWrites + onDemand.tiers.dynamoReads + onDemand.tiers.dynamoStorage)}\\s`,
      ),
    );
    expect(r.out).toMatch(
      /Upstash fixed \+ snapshots\s.*\n[\s\S]*Upstash fixed \+ snapshots \[1 x Fixed /,
    );
    expect(r.out).toMatch(/DO heartbeats \(sketch\)\s/);
    expect(r.out).toMatch(/^This system \(WebSockets \+ snapshots\): \$\d+\.\d\d a month/m);
    expect(r.out).toMatch(/^ {2}Durable Objects\s+\d+\.\d\d {2}/m);
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
    expect(r.err).toContain("npm run cost -- --help");
    expect(r.out).toBe("");
  });

  it("exits 2 for a workload the model rejects", () => {
    const r = run("--viewers", "-5");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/viewers must be a number >= 0 \(got -5\)/);
  });

  it("asks for the audience instead of pricing a default one", () => {
    const r = run("--stages", "3");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^--viewers is required/);
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

describe("for a buyer (issue 18)", () => {
  const widest = (text: string) => Math.max(...text.split("\n").map((line) => line.length));

  it("prints this system's bill with its logs line, a range and what moves it, and the options", () => {
    const { out } = run("--viewers", "10000");
    const e = estimateMonthlyCost(measuredWorkload({ viewers: 10_000 }), "redis-snapshots-fixed");
    expect(out).toContain(
      `This system (Upstash fixed + snapshots): $${formatUsd(e.total)} a month, from $`,
    );
    expect(out).toMatch(/\n {2}Workers Logs {12}\s+0\.00 {2}8,760 events/);
    expect(out).toMatch(/What moves it[\s\S]*steady-state heartbeats[\s\S]*HTTP headers/);
    expect(out).toMatch(/Options, not in the total:\n {2}\+ +200\.00 {2}Upstash Prod Pack/);
    expect(out).toMatch(/DynamoDB point-in-time recovery/);
    expect(out).toMatch(/\+ +1,\d{3}\.\d\d {2}Workers invocation logs, every request/);
  });

  it("says how the audience was assumed: stages, hours live, peak, tabs, sessions", () => {
    const { out } = run("--viewers", "10000");
    expect(out).toMatch(
      /Audience: 10,000 viewers on average while live, 24 h a day, peaking at x1\.5 \(15,000\); 10\s+stages;/,
    );
    expect(run("--viewers", "10000", "--stages", "3").out).toMatch(/\(15,000\); 3\s+stages;/);
  });

  it("says how many viewers one database carries, with jitter, the peak and the top of the hour (not 290,000)", () => {
    const { out } = run("--viewers", "10000");
    expect(out).toMatch(/one database at 10,000 commands\/s carries about 92,000 viewers/);
    expect(out).toMatch(
      /at the top of the hour \(x1\.23 the commands of a\s+minute before, measured\)/,
    );
  });

  it("chooses the cheapest plan set at 1,000,000 viewers and names the Enterprise threshold", () => {
    const { out } = run("--viewers", "1000000");
    expect(out).toContain("Upstash fixed + snapshots [23 x Fixed 5GB]");
    expect(out).toMatch(/Enterprise: Upstash sells it from 100,000 commands\/s/);
  });

  it("keeps every line within 100 characters, bill and help alike", () => {
    for (const argv of [["--viewers", "10000"], ["--viewers", "1000000"], ["--help"]]) {
      expect(widest(run(...argv).out), argv.join(" ")).toBeLessThanOrEqual(100);
    }
  });

  it("writes --help for a buyer: the command to run, every flag's unit and default", () => {
    const { code, out } = run("--help");
    expect(code).toBe(0);
    expect(out.split("\n")[0]).toBe("Usage: npm run cost -- --viewers N [options]");
    expect(out).toContain("npx -p @viewer-presence/cost viewer-presence-cost");
    expect(out).not.toMatch(/shared\/cost\/cli\.ts/);
    const flags = out.split("\n").filter((line) => /^ {2}--[a-z]/.test(line));
    expect(flags.length).toBeGreaterThan(30);
    for (const line of flags.filter((l) => !/--(json|seed|help) /.test(l))) {
      expect(line).toMatch(/\((default .+|required)\)$/);
      // A value and its unit, not a field name of the model.
      expect(line).toMatch(/^ {2}--[a-z-]+ (N|X|S|MS|B|H|D|MIN|0-1|0\|1|eventual\|strong) /);
      expect(line).not.toMatch(/[a-z][A-Z][a-z]+(Sec|Bytes|PerHeartbeat)\b/);
    }
    expect(out).toMatch(/--hours-live H +hours a day they watch/);
    expect(out).toMatch(/--peak X .*\(default 1\.5\)/);
  });
});
