/**
 * The contract fuzz in CI: a fixed seed and a bounded number of requests. `npm run fuzz` runs
 * the same fuzz longer (FUZZ_RUNS, FUZZ_SEED) and prints what it saw.
 */
import { describe, expect, it } from "vitest";
import { runContractFuzz } from "./fuzz-run";
import { formatReport } from "./report";

const long = process.env.FUZZ === "long";
const seed = Number(process.env.FUZZ_SEED ?? (long ? Date.now() % 2 ** 31 : 20261130));
const numRuns = Number(process.env.FUZZ_RUNS ?? (long ? 10_000 : 400));

describe("contract fuzz", () => {
  it(
    `answers every request derived from openapi.json without a 5xx, with problem+json errors, and refused requests change nothing (seed ${seed}, ${numRuns} requests)`,
    async () => {
      const report = await runContractFuzz({
        seed,
        numRuns,
        ...(long
          ? { onProgress: (done: number) => done % 1000 === 0 && console.log(`${done} requests`) }
          : {}),
      });
      if (long || report.findings.length > 0) console.log(formatReport(report));
      expect(report.requests).toBeGreaterThan(numRuns * 0.9);
      expect(report.findings.map((f) => `${f.operationId}: ${f.kind} (${f.status})`)).toEqual([]);
    },
    long ? 3_600_000 : 120_000,
  );
});
