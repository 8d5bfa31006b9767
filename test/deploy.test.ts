/**
 * The worker as `wrangler deploy` would upload it: bundled by wrangler itself (the tests in
 * workerd bundle it through Vite instead), under the Workers size limit, with nothing sent.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

describe("wrangler deploy --dry-run", () => {
  it("bundles the worker (fetch + scheduled with the sync job) well under the 3 MB compressed limit of the Free plan", async () => {
    const outdir = await mkdtemp(join(tmpdir(), "bundle-"));
    try {
      await promisify(execFile)(
        process.execPath,
        [
          join(ROOT, "node_modules/wrangler/wrangler-dist/cli.js"),
          "deploy",
          "--dry-run",
          "--outdir",
          outdir,
        ],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            WRANGLER_SEND_METRICS: "false",
            WRANGLER_HIDE_BANNER: "true",
            XDG_CONFIG_HOME: join(ROOT, ".local", "wrangler-config"),
          },
        },
      );
      const bundle = await readFile(join(outdir, "index.js"));
      const gzipped = gzipSync(bundle).byteLength;
      expect(gzipped).toBeLessThan(1_000_000);
      expect(bundle.toString("utf8")).toContain("sync.run"); // the sync job, reached from scheduled()
    } finally {
      await rm(outdir, { recursive: true, force: true });
    }
  }, 60_000);
});
