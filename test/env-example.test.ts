/**
 * `.env.example` names every variable the worker and the sync job read, and nothing else: the
 * variables are learnt from parseConfig itself (shared/config.ts, the one reader of the
 * environment) by handing it an environment that records what is asked of it.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseConfig } from "@viewer-presence/shared/config";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** Every name parseConfig reads, over two environments: an empty one and one with AWS keys. */
function variablesParseConfigReads(): Set<string> {
  const read = new Set<string>();
  const recording = (values: Record<string, string>) =>
    new Proxy(values, {
      get(target, name) {
        if (typeof name === "string") read.add(name);
        return typeof name === "string" ? target[name] : undefined;
      },
    });
  const environments: Record<string, string>[] = [
    {},
    { AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b" },
  ];
  for (const values of environments) {
    try {
      parseConfig(recording(values));
    } catch {
      // Missing required variables: what matters is what it asked for.
    }
  }
  return read;
}

/** Names set (`NAME=`) or shown commented out with their default (`# NAME=`). */
function variablesInExample(): Set<string> {
  const text = readFileSync(`${ROOT}.env.example`, "utf8");
  return new Set([...text.matchAll(/^(?:# )?([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]!));
}

describe(".env.example", () => {
  it("lists every variable parseConfig reads, and only those", () => {
    const read = variablesParseConfigReads();
    expect(read.size).toBeGreaterThan(20);
    expect(read).toContain("AWS_SESSION_TOKEN");
    expect([...variablesInExample()].sort()).toEqual([...read].sort());
  });

  it("is not itself ignored by git, and the .env it is copied to is", () => {
    const ignored = readFileSync(`${ROOT}.gitignore`, "utf8").split("\n");
    expect(ignored).toContain(".env");
    expect(ignored).not.toContain(".env.example");
  });
});
