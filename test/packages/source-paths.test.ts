/**
 * Inside the repository the packages' names resolve to their TypeScript sources through two maps
 * that must say the same: tsconfig.json's `paths` (tsc, tsx, wrangler's esbuild, vitest) and
 * deno.json's `imports` (Deno). Each of the packages' exports needs an entry in them.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const read = (path: string) =>
  JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), "utf8")) as Record<
    string,
    unknown
  >;

const tsPaths = (read("tsconfig.json").compilerOptions as { paths: Record<string, string[]> })
  .paths;
const denoImports = read("deno.json").imports as Record<string, string>;

describe("the packages' sources inside the repository", () => {
  it("are mapped alike for TypeScript's tools and for Deno", () => {
    const fromTs = Object.fromEntries(
      Object.entries(tsPaths).map(([name, [target]]) =>
        name.endsWith("/*") ? [name.slice(0, -1), target!.slice(0, -1)] : [name, target],
      ),
    );
    expect(denoImports).toEqual(fromTs);
  });

  it("cover every export of the published packages but package.json and the contract file", () => {
    for (const dir of ["cost", "tokens", "openapi"]) {
      const manifest = read(`${dir}/package.json`) as { name: string; exports: object };
      for (const subpath of Object.keys(manifest.exports)) {
        if (subpath === "./package.json" || subpath.endsWith(".json")) continue;
        const name = `${manifest.name}${subpath.slice(1)}`;
        expect(Object.keys(tsPaths), `${name} in tsconfig.json's paths`).toContain(name);
      }
    }
  });
});
