/**
 * `npm run setup-deploy -- --dry-run`: the plan of a first deployment, printed, and the worker
 * as `wrangler deploy` would upload it, bundled by wrangler itself (the tests in workerd bundle
 * it through Vite instead), under the Workers size limit, with nothing sent. The AWS CLI is not
 * needed: an `aws` first on the PATH that records being called proves it is never run.
 */
import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { WORKER_TABLE_ACTIONS } from "../deploy/aws-steps";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

describe("npm run setup-deploy -- --dry-run", () => {
  it("prints every command of a first setup, runs none but the bundle, and the bundle is well under the 3 MB compressed limit of the Free plan", async () => {
    const dir = await mkdtemp(join(tmpdir(), "setup-deploy-"));
    const outdir = join(dir, "bundle");
    const called = join(dir, "aws-was-called");
    try {
      const fakeBin = join(dir, "bin");
      await mkdir(fakeBin);
      await writeFile(join(fakeBin, "aws"), `#!/bin/sh\ntouch '${called}'\nexit 1\n`);
      await chmod(join(fakeBin, "aws"), 0o755);
      const { stdout, stderr } = await execFileAsync(
        process.execPath,
        ["--import", "tsx", "deploy/setup-deploy.ts", "--dry-run", "--outdir", outdir],
        {
          cwd: ROOT,
          env: {
            PATH: [
              fakeBin,
              join(ROOT, "node_modules/.bin"),
              dirname(process.execPath),
              "/usr/bin",
              "/bin",
            ].join(":"),
            HOME: process.env.HOME ?? "",
            XDG_CONFIG_HOME: join(ROOT, ".local", "wrangler-config"),
            NO_COLOR: "1",
          },
          maxBuffer: 16 * 1024 * 1024,
        },
      );
      const output = `${stdout}\n${stderr}`;
      const commands = stdout.split("\n").filter((line) => line.startsWith("$ "));
      const step = (pattern: RegExp) => commands.findIndex((line) => pattern.test(line));
      const order = [
        /^\$ aws sts get-caller-identity/,
        /^\$ aws dynamodb create-table --region us-east-1 --cli-input-json '\{"TableName":"ivs-viewer-snapshots"/,
        /^\$ aws dynamodb update-time-to-live .*AttributeName=ttl$/,
        /^\$ aws iam create-user --user-name viewer-presence-worker$/,
        /^\$ aws iam put-user-policy /,
        /^\$ aws iam create-access-key /,
        /^\$ npx wrangler queues create viewer-presence-sync$/,
        /^\$ npx wrangler deploy --secrets-file \S+secrets\.json$/,
        /^\$ npx wrangler deploy --dry-run --outdir /,
      ].map(step);
      expect(
        order.every((index) => index >= 0),
        commands.join("\n"),
      ).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      const policy = commands[order[4]!]!;
      for (const action of WORKER_TABLE_ACTIONS) expect(policy).toContain(action);
      expect(policy).toContain("table/ivs-viewer-snapshots/index/gsi1");
      expect(stdout).toMatch(
        /^# secrets to upload: UPSTASH_REDIS_REST_URL, UPSTASH_REDIS_REST_TOKEN, ADMIN_API_KEY, VIEWER_TOKEN_SECRET, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY$/m,
      );
      // No secret value is printed, nor Cloudflare's telemetry notice.
      expect(output).not.toMatch(/^(ADMIN_API_KEY|VIEWER_TOKEN_SECRET)=/m);
      expect(output).not.toMatch(/telemetry/i);
      await expect(stat(called)).rejects.toThrow(/ENOENT/);

      const bundle = await readFile(join(outdir, "index.js"));
      const gzipped = gzipSync(bundle).byteLength;
      expect(gzipped).toBeLessThan(1_000_000);
      expect(bundle.toString("utf8")).toContain("sync.run"); // the sync job, reached from scheduled()
      expect(stdout).toContain(
        `bundle: index.js ${(bundle.byteLength / 1e6).toFixed(2)} MB, ${Math.round(gzipped / 1e3)} KB gzipped`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});

const execFileAsync = promisify(execFile);
