/**
 * Builds the operator console into `console/dist/`, the directory `wrangler.toml` serves as
 * Workers static assets: `console/index.html` and its bundle (`app.js`, `app.css`: our code,
 * the typed client and uPlot, minified by esbuild, nothing fetched at run time) under
 * `/console/`, and `_headers` (its security headers) at the root.
 *
 * `npm run console:build` writes the files; `npm run console:check` (part of `npm run check`)
 * builds in memory and fails when the committed files differ, as `openapi:check` does for the
 * contract. The bundle is committed so that `wrangler dev`, the Workers test pool and
 * `wrangler deploy` find it on a fresh clone without a build step of their own.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const HERE = dirname(fileURLToPath(import.meta.url));
const DIST = join(HERE, "dist");

/** Every file of the built console: its path under `dist/` and its bytes. */
async function buildConsole(): Promise<Map<string, Uint8Array>> {
  const result = await build({
    entryPoints: { app: join(HERE, "src", "main.ts") },
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    minify: true,
    legalComments: "eof",
    charset: "utf8",
    outdir: join(DIST, "console"),
    write: false,
    logLevel: "silent",
  });
  const files = new Map<string, Uint8Array>();
  for (const file of result.outputFiles) files.set(relative(DIST, file.path), file.contents);
  files.set("console/index.html", await readFile(join(HERE, "src", "index.html")));
  files.set("_headers", await readFile(join(HERE, "src", "_headers")));
  return files;
}

async function main(check: boolean): Promise<number> {
  const files = await buildConsole();
  if (!check) {
    for (const [path, bytes] of files) {
      await mkdir(dirname(join(DIST, path)), { recursive: true });
      await writeFile(join(DIST, path), bytes);
    }
    console.log(`console: wrote ${[...files.keys()].map((p) => `dist/${p}`).join(", ")}`);
    return 0;
  }
  const stale: string[] = [];
  for (const [path, bytes] of files) {
    const committed = await readFile(join(DIST, path)).catch(() => undefined);
    if (committed === undefined || !Buffer.from(bytes).equals(committed)) stale.push(path);
  }
  if (stale.length === 0) {
    console.log("console: dist/ is up to date");
    return 0;
  }
  console.error(
    `console: dist/ differs from the sources (${stale.join(", ")}): run \`npm run console:build\` and commit console/dist`,
  );
  return 1;
}

main(process.argv.includes("--check")).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
