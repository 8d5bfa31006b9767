/**
 * orval's fetch client (`orval --config ./orval.config.mjs`). Its functions call the global
 * `fetch` with paths only; `baseUrl.runtime` puts an expression of ours before each path, so one
 * build can talk to any deployment (a browser page served by the worker needs none).
 */
export default {
  presence: {
    input: { target: "./openapi.json" },
    output: {
      target: "./presence.ts",
      client: "fetch",
      baseUrl: {
        runtime: "presenceBaseUrl()",
        imports: [{ name: "presenceBaseUrl", importPath: "./base-url" }],
      },
    },
  },
};
