import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, expectTypeOf, it } from "vitest";
import type {
  BeaconNavigator,
  PageLifecycleWindow,
  Timers,
  VisibilityDocument,
} from "./environment";
import type { SocketConstructor, SocketLike } from "./socket-connection";

/**
 * The client is bundled for browsers as well as run by Node: its modules may import only each
 * other, the generated types and openapi-fetch, and use no Node-only global.
 */
const here = new URL("./", import.meta.url);
const ALLOWED_PACKAGES = new Set(["openapi-fetch", "../types.gen"]);
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)"([^"]+)"/g;
const NODE_GLOBALS = /\b(process|Buffer|require|__dirname|__filename|setImmediate|global)\b\s*[.(]/;

function shippedModules(): string[] {
  return readdirSync(here)
    .filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts"))
    .sort();
}

describe("the shipped client modules", () => {
  it("are the ones this test expects to scan", () => {
    expect(shippedModules()).toContain("heartbeat-loop.ts");
    expect(shippedModules()).toContain("index.ts");
  });

  it.each(shippedModules())("%s imports nothing Node-only", (name) => {
    const source = readFileSync(new URL(name, here), "utf8");
    const specifiers = [...source.matchAll(IMPORT)].map((match) => match[1] ?? "");
    const foreign = specifiers.filter((s) => !s.startsWith("./") && !ALLOWED_PACKAGES.has(s));
    expect(foreign).toEqual([]);
    expect(source).not.toMatch(NODE_GLOBALS);
  });

  it("the generated types import nothing", () => {
    const source = readFileSync(new URL("../types.gen.ts", here), "utf8");
    expect([...source.matchAll(IMPORT)]).toEqual([]);
  });
});

describe("the host interfaces", () => {
  it("are met by the browser's own objects", () => {
    expectTypeOf<Document>().toExtend<VisibilityDocument>();
    expectTypeOf<Window>().toExtend<PageLifecycleWindow>();
    expectTypeOf<Navigator>().toExtend<BeaconNavigator>();
    expectTypeOf<WebSocket>().toExtend<SocketLike>();
    expectTypeOf<typeof WebSocket>().toExtend<SocketConstructor>();
    expectTypeOf<{
      setTimeout: typeof globalThis.setTimeout;
      clearTimeout: typeof globalThis.clearTimeout;
    }>().toExtend<Timers>();
  });
});
