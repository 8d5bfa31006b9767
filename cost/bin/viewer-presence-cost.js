#!/usr/bin/env node
/**
 * The cost model's command, `viewer-presence-cost` (@viewer-presence/cost's bin). Run it by the
 * package's name, so that npx cannot fetch an unrelated package of the same bare name:
 *
 *   npx -p @viewer-presence/cost viewer-presence-cost --viewers 10000
 *
 * Installed, the package holds only the built JavaScript (dist/, built when packed). In the
 * repository nothing is built and the TypeScript sources sit one folder up, so they run through
 * tsx, a development dependency there: the command works right after `npm ci`.
 */
import { existsSync } from "node:fs";

const source = new URL("../bin.ts", import.meta.url);
if (existsSync(source)) {
  const { tsImport } = await import("tsx/esm/api");
  await tsImport(source.href, import.meta.url);
} else {
  await import(new URL("../dist/cost/bin.js", import.meta.url).href);
}
