import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/**
 * Two projects: `node` (unit tests beside the code, in-process tests of the app against the
 * real local stack, the typed client against `wrangler dev`) and `workers` (tests that run
 * inside workerd, the real Workers runtime). Each starts its own local stack in globalSetup.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "node",
          include: ["{shared,openapi,edge,sync}/**/*.test.ts", "test/**/*.test.ts"],
          exclude: ["test/workers/**", "**/node_modules/**"],
          globalSetup: ["test/global-setup.ts"],
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.toml" } })],
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
