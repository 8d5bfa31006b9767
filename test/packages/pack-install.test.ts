/**
 * The packages as someone outside the repository gets them: `npm pack` of
 * @viewer-presence/client, @viewer-presence/tokens and @viewer-presence/cost (each built by its
 * prepack script), installed from the tarballs, each by who installs it, into throwaway projects
 * in a temporary directory, offline: a front end (the client), a backend (the tokens package
 * alone) and an operator (the cost package, for its command). @viewer-presence/shared is
 * internal: npm refuses to publish it. The front end is type-checked with tsc
 * and bundled with esbuild from what was installed; the backend is type-checked and signs a
 * viewer token, under Node and under Deno, which the verifier accepts; the bundled heartbeat loop
 * then beats with the backend's token in Chromium against the worker under `wrangler dev`, which
 * accepts it.
 *
 * Offline: the client's one dependency, openapi-fetch (and its own, openapi-typescript-helpers),
 * is packed from the repository's node_modules and installed beside the tarballs, standing in
 * for the registry; `npm install --offline` with an empty cache then needs nothing else, on a
 * fresh CI machine as here. The tokens and cost packages have no dependency. Tools (tsc,
 * esbuild, Deno) are the repository's, run on the throwaway projects, as the projects' own would
 * be.
 */
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createPresenceClient } from "@viewer-presence/client";
import { main as costCommand } from "@viewer-presence/cost/cli";
import { createViewerTokenVerifier } from "@viewer-presence/tokens";
import { build } from "esbuild";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { hasChromium, launchChromium } from "../browser/chromium";
import { startWranglerDev } from "../stack";
import { TEST_ADMIN_KEY, uniqueId } from "../test-env";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const FIXTURES = fileURLToPath(new URL("./", import.meta.url));
/** The backend's secret, which the worker is given too: only a token signed with it passes. */
const SECRET = `pack-install-secret-${crypto.randomUUID()}`;

interface PackedFile {
  path: string;
}
interface Packed {
  name: string;
  filename: string;
  files: PackedFile[];
}

let dir = "";
let packed: Packed[] = [];
let worker: Awaited<ReturnType<typeof startWranglerDev>> | undefined;
let site: Server | undefined;
let browser: Browser | undefined;

async function npm(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run("npm", args, { cwd, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** Installs tarballs (paths relative to the project) offline, with a cache of its own (empty). */
async function installOffline(project: string, tarballs: string[]): Promise<void> {
  await npm(project, [
    "install",
    "--offline",
    "--no-audit",
    "--no-fund",
    "--cache",
    join(dir, "npm-cache"),
    ...tarballs.map((file) => relative(project, join(dir, file))),
  ]);
}

async function project(name: string, tsconfig: object): Promise<string> {
  const path = join(dir, name);
  await mkdir(path);
  await writeFile(
    join(path, "package.json"),
    JSON.stringify({ name, private: true, type: "module" }),
  );
  await writeFile(join(path, "tsconfig.json"), JSON.stringify(tsconfig));
  return path;
}

function tarball(name: string): Packed {
  const found = packed.find((p) => p.name === name);
  if (!found) throw new Error(`${name} was not packed`);
  return found;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "viewer-presence-packages-"));
  packed = JSON.parse(
    await npm(ROOT, [
      "pack",
      "-w",
      "cost",
      "-w",
      "tokens",
      "-w",
      "openapi",
      "--pack-destination",
      dir,
      "--json",
    ]),
  ) as Packed[];
  const registry = JSON.parse(
    await npm(dir, [
      "pack",
      join(ROOT, "node_modules/openapi-fetch"),
      join(ROOT, "node_modules/openapi-typescript-helpers"),
      "--json",
    ]),
  ) as Packed[];

  // Declarations are checked (skipLibCheck off), the packages' above all; TypeScript's own lib files are not.
  const strict = {
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    skipDefaultLibCheck: true,
    target: "ES2022",
  };
  const frontend = await project("frontend", {
    compilerOptions: {
      ...strict,
      module: "ESNext",
      moduleResolution: "Bundler",
      lib: ["ES2022", "DOM"],
      types: [],
    },
  });
  await copyFile(join(FIXTURES, "frontend/main.ts"), join(frontend, "main.ts"));
  const fromRegistry = (name: string) => registry.find((p) => p.name === name)!.filename;
  await installOffline(frontend, [
    tarball("@viewer-presence/client").filename,
    fromRegistry("openapi-fetch"),
    fromRegistry("openapi-typescript-helpers"),
  ]);

  const backend = await project("backend", {
    compilerOptions: {
      ...strict,
      module: "NodeNext",
      moduleResolution: "NodeNext",
      typeRoots: [join(ROOT, "node_modules/@types")],
      types: ["node"],
    },
  });
  await copyFile(join(FIXTURES, "backend/sign-token.ts"), join(backend, "sign-token.ts"));
  // A backend installs the tokens package and nothing else.
  await installOffline(backend, [tarball("@viewer-presence/tokens").filename]);

  // An operator installs the cost package and nothing else.
  const operator = await project("operator", {});
  await installOffline(operator, [tarball("@viewer-presence/cost").filename]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  await new Promise((resolve) => (site ? site.close(resolve) : resolve(undefined)));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the packages, packed and installed outside the repository", () => {
  it("hold built JavaScript and declarations, and nothing of the repository's own", () => {
    const client = tarball("@viewer-presence/client").files.map((f) => f.path);
    expect(client).toEqual(
      expect.arrayContaining([
        "package.json",
        "openapi.json",
        "dist/client/index.js",
        "dist/client/index.d.ts",
        "dist/client/heartbeat-loop.js",
        "dist/client/start-presence.js",
        "dist/client/watch-stage.js",
        "dist/types.gen.d.ts",
      ]),
    );
    const tokens = tarball("@viewer-presence/tokens").files.map((f) => f.path);
    expect(tokens).toEqual(
      expect.arrayContaining([
        "package.json",
        "README.md",
        "dist/index.js",
        "dist/index.d.ts",
        "dist/viewer-token.js",
        "dist/hs256-jwt.js",
        "dist/ids.js",
      ]),
    );
    const cost = tarball("@viewer-presence/cost").files.map((f) => f.path);
    // The cost model and its command, with the three modules of shared it reads constants from
    // compiled in; none of shared's layouts, clients or I/O, and no viewer tokens.
    expect(cost).toEqual(
      expect.arrayContaining([
        "package.json",
        "README.md",
        "bin/viewer-presence-cost.js",
        "dist/cost/index.js",
        "dist/cost/index.d.ts",
        "dist/cost/bin.js",
      ]),
    );
    expect(cost.filter((path) => path.startsWith("dist/shared/")).sort()).toEqual(
      ["config", "stage", "windows"].flatMap((name) => [
        `dist/shared/${name}.d.ts`,
        `dist/shared/${name}.js`,
      ]),
    );
    for (const path of [...client, ...tokens, ...cost]) {
      // No TypeScript source (only declarations), no test, no contract source or emitter.
      expect(path).not.toMatch(/(?<!\.d)\.ts$|\.test\.|^(routes|schemas|client\/testing)\/|emit/);
    }
  });

  it("leave @viewer-presence/shared out: private, so npm publishes it nowhere", async () => {
    expect(packed.map((p) => p.name).sort()).toEqual([
      "@viewer-presence/client",
      "@viewer-presence/cost",
      "@viewer-presence/tokens",
    ]);
    const manifest = JSON.parse(await readFile(join(ROOT, "shared/package.json"), "utf8")) as {
      private?: boolean;
    };
    expect(manifest.private).toBe(true);
    // What `npm publish -w shared` would do, without publishing: npm skips it, packing nothing.
    const { stdout, stderr } = await run(
      "npm",
      ["publish", "--dry-run", "--offline", "--json", "-w", "shared"],
      { cwd: ROOT },
    );
    expect(stderr).toMatch(/Skipping workspace @viewer-presence\/shared, marked as private/);
    expect(stdout.trim()).toBe("");
  });

  it("declare only openapi-fetch (client) as a dependency; tokens and cost none", async () => {
    const manifest = async (project: string, name: string) =>
      JSON.parse(
        await readFile(join(dir, project, "node_modules", name, "package.json"), "utf8"),
      ) as {
        dependencies?: object;
        peerDependencies?: object;
      };
    const client = await manifest("frontend", "@viewer-presence/client");
    expect(Object.keys(client.dependencies ?? {})).toEqual(["openapi-fetch"]);
    const tokens = await manifest("backend", "@viewer-presence/tokens");
    expect(tokens.dependencies ?? {}).toEqual({});
    expect(tokens.peerDependencies ?? {}).toEqual({});
    // What the backend's npm installed: the tokens package, and nothing beside it.
    const installed = JSON.parse(
      await npm(join(dir, "backend"), ["ls", "--all", "--offline", "--json"]),
    ) as { dependencies: Record<string, { dependencies?: object }> };
    expect(Object.keys(installed.dependencies)).toEqual(["@viewer-presence/tokens"]);
    expect(installed.dependencies["@viewer-presence/tokens"]?.dependencies ?? {}).toEqual({});
    const cost = await manifest("operator", "@viewer-presence/cost");
    // The cost model imports nothing but Node's own modules: no Redis or AWS SDK, not even as peers.
    expect(cost.dependencies ?? {}).toEqual({});
    expect(cost.peerDependencies ?? {}).toEqual({});
    const operator = JSON.parse(
      await npm(join(dir, "operator"), ["ls", "--all", "--offline", "--json"]),
    ) as { dependencies: Record<string, { dependencies?: object }> };
    expect(Object.keys(operator.dependencies)).toEqual(["@viewer-presence/cost"]);
    expect(operator.dependencies["@viewer-presence/cost"]?.dependencies ?? {}).toEqual({});
  });

  it("type-check: the front end (bundler resolution) and the backend (NodeNext), lib checks on", async () => {
    const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
    const check = (name: string) =>
      run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: join(dir, name) }).catch(
        (error: { stdout: string }) => ({ stdout: `${name}: ${error.stdout}`, failed: true }),
      );
    for (const result of await Promise.all([check("frontend"), check("backend")])) {
      expect(result, result.stdout).not.toHaveProperty("failed");
    }
  }, 60_000);

  it("serve the contract as @viewer-presence/client/openapi.json, and the cost model as a command", async () => {
    const { stdout: version } = await run(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        'import c from "@viewer-presence/client/openapi.json" with { type: "json" }; console.log(c.openapi)',
      ],
      { cwd: join(dir, "frontend") },
    );
    expect(version.trim()).toMatch(/^3\.1\./);
    // As the README says to run it: by the scoped package's name, here the installed one.
    const { stdout: bill } = await run(
      "npm",
      [
        "exec",
        "--offline",
        "--no-audit",
        "--no-fund",
        "--package=@viewer-presence/cost",
        "--",
        "viewer-presence-cost",
        "--viewers",
        "10000",
      ],
      { cwd: join(dir, "operator"), maxBuffer: 16 * 1024 * 1024 },
    );
    // The built command prints what the repository's sources print.
    const lines: string[] = [];
    const print = (text: string) => lines.push(`${text}\n`);
    expect(costCommand(["--viewers", "10000"], { out: print, err: print })).toBe(0);
    expect(bill).toBe(lines.join(""));
    expect(bill).toMatch(/^Monthly cost in USD/);
    // The cost model is the package's one export; its modules, and shared's, are not reachable.
    const imported = (specifier: string) =>
      run(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `const m = await import(${JSON.stringify(specifier)}); console.log(Object.keys(m).length)`,
        ],
        { cwd: join(dir, "operator") },
      );
    const { stdout: exported } = await imported("@viewer-presence/cost");
    expect(Number(exported)).toBeGreaterThan(0);
    for (const internal of [
      "@viewer-presence/cost/workload",
      "@viewer-presence/cost/dist/shared/config.js",
    ]) {
      await expect(imported(internal)).rejects.toThrow(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
    }
    await expect(imported("@viewer-presence/shared/config")).rejects.toThrow(
      /ERR_MODULE_NOT_FOUND/,
    );
  });

  it("sign a viewer token in the backend, under Node and under Deno, that the verifier accepts", async () => {
    const secretEnv = { ...process.env, VIEWER_TOKEN_SECRET: SECRET };
    const backend = join(dir, "backend");
    const { stdout: fromNode } = await run(
      process.execPath,
      ["sign-token.ts", "concert-42", "node-viewer"],
      { cwd: backend, env: secretEnv },
    );
    // Deno reads the backend's package.json and the node_modules npm installed; no network.
    const { stdout: fromDeno } = await run(
      join(ROOT, "node_modules/.bin/deno"),
      [
        "run",
        "--node-modules-dir=manual",
        "--allow-env=VIEWER_TOKEN_SECRET",
        "sign-token.ts",
        "concert-42",
        "deno-viewer",
      ],
      { cwd: backend, env: { ...secretEnv, DENO_DIR: join(dir, "deno-cache") } },
    );
    const verify = createViewerTokenVerifier(SECRET);
    const nowMs = Date.now();
    expect(await verify(fromNode, { stageId: "concert-42", nowMs })).toMatchObject({
      viewerId: "node-viewer",
    });
    expect(await verify(fromDeno, { stageId: "concert-42", nowMs })).toMatchObject({
      viewerId: "deno-viewer",
    });
    // And only with the backend's secret.
    await expect(
      createViewerTokenVerifier(`another-${SECRET}`)(fromNode, { nowMs }),
    ).rejects.toMatchObject({ code: "bad_signature" });
  }, 60_000);

  describe.skipIf(!hasChromium)("in Chromium (needs /usr/bin/chromium)", () => {
    it("runs the bundled heartbeat loop against the worker with a token the backend signed", async () => {
      const bundle = await build({
        entryPoints: [join(dir, "frontend/main.ts")],
        absWorkingDir: join(dir, "frontend"),
        bundle: true,
        platform: "browser",
        format: "esm",
        target: "es2022",
        write: false,
        metafile: true,
      });
      // Built from what npm installed, not from the repository's sources.
      for (const input of Object.keys(bundle.metafile.inputs)) {
        expect(input).toMatch(
          /^(main\.ts|node_modules\/(@viewer-presence\/client\/dist|openapi-))/,
        );
      }
      const code = bundle.outputFiles[0]!.contents;
      site = createServer((request, response) => {
        if (request.url?.startsWith("/main.js")) {
          response.writeHead(200, { "content-type": "text/javascript" }).end(code);
        } else {
          response
            .writeHead(200, { "content-type": "text/html" })
            .end(
              '<!doctype html><p id="viewers">-</p><script type="module" src="/main.js"></script>',
            );
        }
      });
      await new Promise<void>((resolve) => site!.listen(0, "127.0.0.1", resolve));
      const siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
      [worker, browser] = await Promise.all([
        startWranglerDev({
          port: 0,
          vars: {
            ...inject("stackEnv"),
            ADMIN_API_KEY: TEST_ADMIN_KEY,
            VIEWER_TOKEN_SECRET: SECRET,
            REDIS_KEY_PREFIX: `${uniqueId("pk")}:`,
            CORS_ORIGINS: siteUrl,
          },
        }),
        launchChromium(),
      ]);

      const stageId = uniqueId("pk");
      const admin = createPresenceClient({ baseUrl: worker.url, adminKey: TEST_ADMIN_KEY });
      const created = await admin.POST("/v1/stages", { body: { id: stageId, title: "Packed" } });
      expect(created.response.status).toBe(201);
      const { stdout: token } = await run(
        process.execPath,
        ["sign-token.ts", stageId, "backend-viewer"],
        { cwd: join(dir, "backend"), env: { ...process.env, VIEWER_TOKEN_SECRET: SECRET } },
      );

      const page = await browser.newPage();
      await page.goto(
        `${siteUrl}/?${new URLSearchParams({ api: worker.url, stage: stageId, token })}`,
      );
      await page.waitForFunction(
        () => (window as unknown as { beats: unknown[] }).beats.length > 0,
        null,
        { timeout: 10_000 },
      );
      const beat = await page.evaluate(
        () => (window as unknown as { beats: { viewerId: string; viewers: number }[] }).beats[0],
      );
      expect(beat).toMatchObject({ viewerId: "backend-viewer", viewers: 1 });
      expect(await page.textContent("#viewers")).toBe("1");
      await page.close();
    }, 90_000);
  });
});
