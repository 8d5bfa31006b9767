/**
 * The cost model's command in the repository, right after `npm ci` (nothing built): it is run by
 * the scoped package's name, which only this repository's @viewer-presence/cost (or the
 * published one, whose scope we own) can answer, never by its bare bin name, which npx would
 * fetch from the registry if it were not linked, whoever published it.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const manifest = JSON.parse(readFileSync(`${ROOT}cost/package.json`, "utf8")) as {
  name: string;
  bin: Record<string, string>;
  files: string[];
};

describe("the cost command", () => {
  it("points its bin at a file the repository holds, so npm ci links it without a build", async () => {
    const [[name, target]] = Object.entries(manifest.bin) as [[string, string]];
    expect(name).toBe("viewer-presence-cost");
    const { stdout } = await run("git", ["ls-files", "--", `cost/${target}`], { cwd: ROOT });
    expect(stdout.trim(), `cost/${target} is committed`).toBe(`cost/${target}`);
    expect(manifest.files).toContain(target.split("/")[0]);
    expect(existsSync(`${ROOT}node_modules/.bin/${name}`), "linked by npm ci").toBe(true);
  });

  it("runs by the scoped package's name, offline, in the repository", async () => {
    const { stdout } = await run(
      "npm",
      [
        "exec",
        "--offline",
        "--no-audit",
        "--no-fund",
        `--package=${manifest.name}`,
        "--",
        "viewer-presence-cost",
        "--viewers",
        "10000",
        "--json",
      ],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
    );
    const { workload, estimates } = JSON.parse(stdout) as {
      workload: { viewers: number };
      estimates: unknown[];
    };
    expect(workload.viewers).toBe(10_000);
    expect(estimates.length).toBeGreaterThan(0);
  }, 60_000);

  it("is never documented by its bare name, which npx could resolve to someone else's package", () => {
    const docs = readdirSync(`${ROOT}docs`).filter((name) => name.endsWith(".md"));
    for (const doc of [
      "README.md",
      "shared/README.md",
      "cost/README.md",
      ...docs.map((name) => `docs/${name}`),
    ]) {
      const text = readFileSync(`${ROOT}${doc}`, "utf8");
      expect(text, doc).not.toMatch(/npx viewer-presence-cost/);
    }
  });
});
