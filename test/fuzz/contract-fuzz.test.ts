/**
 * The contract fuzz in CI: a fixed seed and a bounded number of requests, after the corpus of
 * requests that found defects before. `npm run fuzz` runs the same fuzz longer (FUZZ_RUNS,
 * FUZZ_SEED) and prints what it saw.
 */
import { describe, expect, it } from "vitest";
import { createHarness } from "../in-process/harness";
import { adminHeaders } from "../test-env";
import { createSnapshotter, snapshotDiff } from "./data-snapshot";
import { runContractFuzz } from "./fuzz-run";
import { formatReport } from "./report";

const long = process.env.FUZZ === "long";
const seed = Number(process.env.FUZZ_SEED ?? (long ? Date.now() % 2 ** 31 : 20261130));
const numRuns = Number(process.env.FUZZ_RUNS ?? (long ? 10_000 : 500));

describe("contract fuzz", () => {
  it(
    `answers every request derived from openapi.json without a 5xx, with problem+json errors, and refused requests change nothing (seed ${seed}, ${numRuns} requests)`,
    async () => {
      if (long)
        console.log(`Contract fuzz: seed ${seed} (FUZZ_SEED), ${numRuns} requests (FUZZ_RUNS)`);
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

  // The no-change check is only as good as the snapshot: it must see a real change.
  it("sees a stage change in both DynamoDB and Redis in its data snapshot", async () => {
    const h = createHarness();
    const stageId = await h.createStage({ id: `fzcheck${Date.now().toString(36)}` });
    const snapshots = createSnapshotter(h.env);
    const before = await snapshots.take("fzcheck", []);
    const patched = await h.request(`/v1/stages/${stageId}`, {
      method: "PATCH",
      headers: adminHeaders,
      body: JSON.stringify({ title: "changed" }),
    });
    expect(patched.status).toBe(200);
    const changed = snapshotDiff(before, await snapshots.take("fzcheck", []));
    expect(
      changed.some((line) => line.startsWith(`redis ${h.env.REDIS_KEY_PREFIX}s:${stageId}`)),
    ).toBe(true);
    expect(changed.some((line) => line.startsWith("dynamodb tagged"))).toBe(true);
  });
});
