import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/**
 * Three projects: `node` (unit tests beside the code, in-process tests of the app against the
 * real local stack, the typed client against `wrangler dev`), `faults` (the fault matrix, each
 * file on a stack of its own) and `workers` (tests that run inside workerd, the real Workers
 * runtime). `node` and `workers` each start a shared local stack in globalSetup.
 *
 * `resolve.tsconfigPaths` in each: imports of @viewer-presence/shared, @viewer-presence/tokens and
 * @viewer-presence/client resolve to their TypeScript sources through tsconfig.json's `paths`,
 * as they do for tsc, tsx and wrangler's esbuild, so no package is built before a test.
 */
const resolve = { tsconfigPaths: true };

/**
 * The bindings of the worker under test in the `workers` project, what requests sent with
 * `exports.default.fetch` (each a request of its own in workerd) run with: the local stack,
 * test secrets, and a key prefix no test that calls `worker.fetch` directly uses. Tests read
 * them back from `cloudflare:test`'s `env`.
 */
function workerBindings(stackEnv: object): Record<string, string> {
  return {
    ...(stackEnv as Record<string, string>),
    ADMIN_API_KEY: "self-admin-key-0123456789",
    VIEWER_TOKEN_SECRET: "self-viewer-token-secret-0123456789abcd",
    REDIS_KEY_PREFIX: "self:",
    // Presence shards write changes to Redis at most once per this gap (default 20 s); tests ring
    // the alarm by hand, and one second keeps them short while the gap still holds.
    SOCKET_FLUSH_GAP_SEC: "1",
  };
}
export default defineConfig({
  test: {
    projects: [
      {
        resolve,
        test: {
          name: "node",
          include: [
            "{shared,cost,tokens,openapi,edge,sync,console,deploy}/**/*.test.ts",
            "test/**/*.test.ts",
          ],
          exclude: ["test/workers/**", "test/faults/**", "**/node_modules/**"],
          globalSetup: ["test/global-setup.ts"],
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve,
        // The fault matrix: each file starts a local stack of its own (test/faults/fault-stack.ts)
        // and stalls, kills and restarts its parts, so none uses the shared one.
        test: {
          name: "faults",
          include: ["test/faults/**/*.test.ts"],
          // One file at a time, and (package.json) after the other projects: its deadlines are
          // short on purpose, and a loaded 2-core machine must not be what trips them.
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve,
        // The worker's own bindings (what `exports.default.fetch` requests see, each a request of
        // its own in workerd) point at the stack globalSetup started.
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: { bindings: workerBindings(inject("stackEnv")) },
          })),
        ],
        test: {
          name: "workers",
          include: ["test/workers/**/*.test.ts"],
          globalSetup: ["test/global-setup.ts"],
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
