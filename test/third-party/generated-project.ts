/**
 * A third party's project in a temporary directory, as an integrator would set one up: the
 * committed contract copied in as `openapi.json`, a client generated from it by someone else's
 * generator (the pinned devDependency, offline), a small program of ours that uses the client
 * (test/third-party/programs/<generator>/), all type-checked under `strict` by TypeScript 7.
 *
 * Outside the repository, so neither our lint nor our tsc sees the generated code; its
 * `node_modules` is a link to ours, for the runtime packages some clients import
 * (`openapi-fetch`, `@oazapfts/runtime`).
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PROGRAMS = fileURLToPath(new URL("./programs/", import.meta.url));

/** What the programs export: one run of stage → token → heartbeat → count. */
export interface PresenceFlow {
  stageTokenHeartbeatCount(options: {
    baseUrl: string;
    adminKey: string;
    stageId: string;
    viewerId: string;
  }): Promise<{ heartbeatViewers: number; liveViewers: number }>;
}

export interface GeneratedProject {
  dir: string;
  /** Runs a generator's command (a bin of our node_modules) in the project; throws its output. */
  generate(bin: string, args: string[]): void;
  /** TypeScript 7's `tsc --strict` over the project: its version and what it printed. */
  typeCheck(): { version: string; output: string };
  /** Imports a module of the project (the program), as the project's own code would. */
  load<T>(file: string): Promise<T>;
  remove(): void;
}

/** A new project holding `openapi.json` and the files of programs/<program>/. */
export function createGeneratedProject(program: string): GeneratedProject {
  const dir = mkdtempSync(join(tmpdir(), `${program}-`));
  cpSync(join(ROOT, "openapi", "openapi.json"), join(dir, "openapi.json"));
  cpSync(join(PROGRAMS, program), dir, { recursive: true });
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(STRICT_TSCONFIG, null, 2));
  return {
    dir,
    generate(bin, args) {
      const run = spawnSync(join(ROOT, "node_modules", ".bin", bin), args, {
        cwd: dir,
        encoding: "utf8",
        timeout: 60_000,
      });
      if (run.status !== 0) {
        throw new Error(
          `${bin} ${args.join(" ")} failed (${run.status}):\n${run.stdout}${run.stderr}`,
        );
      }
    },
    typeCheck() {
      const version = spawnSync(TSC_7, ["--version"], { encoding: "utf8" }).stdout.trim();
      const run = spawnSync(TSC_7, ["-p", join(dir, "tsconfig.json")], { encoding: "utf8" });
      return { version, output: run.stdout + run.stderr };
    },
    load: (file) => import(join(dir, file)),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * TypeScript 7's `tsc`, from this folder's workspace (test/third-party/package.json): the root's
 * `typescript` is 5.9, for the tools that need a compiler API (TypeScript 7 has none).
 */
const TSC_7 = join(
  dirname(createRequire(import.meta.url).resolve("typescript/package.json")),
  "bin",
  "tsc",
);

/** A browser-or-Node project's settings, with no ambient types: what generated code may assume. */
const STRICT_TSCONFIG = {
  compilerOptions: {
    strict: true,
    noEmit: true,
    target: "ES2022",
    module: "ESNext",
    moduleResolution: "Bundler",
    lib: ["ES2022", "DOM", "DOM.Iterable"],
    types: [],
  },
  include: ["./**/*.ts"],
  exclude: ["node_modules"],
};
