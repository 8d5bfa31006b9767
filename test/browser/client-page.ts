import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { startWranglerDev } from "../stack";
import type { WranglerDevHandle } from "../stack/wrangler-dev";
import { testBindings, uniqueId } from "../test-env";

/** Answers one path of a {@link ClientPageSite}. */
export type SiteRoute = (incoming: IncomingMessage, outgoing: ServerResponse) => void;

/** A site on an origin of its own, serving a test page and the typed client bundled for it. */
export interface ClientPageSite {
  /** e.g. `http://127.0.0.1:<port>` */
  url: string;
  /** The size of the bundled client, bytes. */
  bundleBytes: number;
  close(): Promise<void>;
}

const CLIENT_ENTRY = fileURLToPath(new URL("../../openapi/client/index.ts", import.meta.url));

/**
 * Bundles the typed client from its sources as a front end bundles it (esbuild, browser, ESM)
 * and serves it at `/client.js`, `routes` at their paths (the query ignored), and `page` (HTML
 * that imports `/client.js`) at every other path, on a free port of 127.0.0.1.
 */
export async function serveClientPage(
  page: string,
  routes: Record<string, SiteRoute> = {},
): Promise<ClientPageSite> {
  const bundle = await build({
    entryPoints: [CLIENT_ENTRY],
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    write: false,
  });
  const code = bundle.outputFiles[0]!.contents;
  const site = createServer((incoming, outgoing) => {
    const path = new URL(incoming.url ?? "/", "http://site").pathname;
    const route = routes[path];
    if (path === "/client.js") {
      outgoing.writeHead(200, { "content-type": "text/javascript" }).end(code);
    } else if (route) {
      route(incoming, outgoing);
    } else {
      outgoing.writeHead(200, { "content-type": "text/html" }).end(page);
    }
  });
  await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(site.address() as AddressInfo).port}`,
    bundleBytes: code.byteLength,
    close: () => new Promise((resolve) => site.close(() => resolve())),
  };
}

/**
 * The worker under `wrangler dev` on the test stack (`stackEnv`, from `inject`) for pages of
 * `siteUrl`: test bindings, a Redis key prefix of its own beginning with `keyLabel`, and CORS
 * open to the site's origin only (the pages' heartbeats and leaves come from there); `vars` go
 * over those.
 */
export function startWorkerForPage(options: {
  stackEnv: object;
  siteUrl: string;
  keyLabel: string;
  vars?: Record<string, string>;
}): Promise<WranglerDevHandle> {
  return startWranglerDev({
    port: 0,
    vars: testBindings(options.stackEnv, {
      REDIS_KEY_PREFIX: `${uniqueId(options.keyLabel)}:`,
      CORS_ORIGINS: options.siteUrl,
      ...options.vars,
    }),
  });
}
