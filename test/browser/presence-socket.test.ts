import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SocketServer, until } from "../../openapi/client/testing/socket-server";
import { hasChromium, launchChromium } from "./chromium";
import { type ClientPageSite, serveClientPage } from "./client-page";

/**
 * startPresence in Chromium, bundled as a front end bundles it, against a real WebSocket server
 * speaking the presence protocol (openapi/client/testing/socket-server.ts): the browser's own
 * WebSocket, pagehide and fetch. The end-to-end test against the edge's Durable Object is the
 * lead's; this one holds the client to the protocol in a real browser.
 */
let site: ClientPageSite | undefined;
let browser: Browser | undefined;
let sockets: SocketServer;
let page: Page;

/** A page that starts presence with the API base from its query string. */
const PAGE = `<!doctype html><html><body><p id="viewers">-</p><script type="module">
import { startPresence } from "/client.js";
const query = new URLSearchParams(location.search);
window.updates = [];
window.problems = [];
window.presence = startPresence({
  baseUrl: query.get("api"),
  stageId: "concert-42",
  token: "tok-1",
  onUpdate: (update) => { window.updates.push(update); document.getElementById("viewers").textContent = String(update.viewers); },
  onError: (problem) => { window.problems.push(problem); },
});
</script></body></html>`;

type PageWindow = { updates: { viewers: number; transport: string }[]; problems: unknown[] };

beforeAll(async () => {
  if (!hasChromium) return;
  site = await serveClientPage(PAGE);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

beforeEach(async () => {
  if (!hasChromium) return;
  sockets = await SocketServer.start();
  page = await browser!.newPage();
});

afterEach(async () => {
  if (!hasChromium) return;
  await page.close();
  await sockets.stop();
});

const updates = () => page.evaluate(() => (window as unknown as PageWindow).updates);

describe.skipIf(!hasChromium)("startPresence in Chromium (needs /usr/bin/chromium)", () => {
  it("shows pushed counts, and sends leave and closes 1000 when the page goes away", async () => {
    await page.goto(`${site!.url}/?api=${encodeURIComponent(sockets.url)}`);
    await page.waitForFunction(() => (window as unknown as PageWindow).updates.length === 1);
    expect(Object.fromEntries(sockets.upgrades[0]!.searchParams)).toEqual({ token: "tok-1" });
    sockets.last.sendCount(2);
    await page.waitForFunction(() => (window as unknown as PageWindow).updates.length === 2);
    expect(await page.textContent("#viewers")).toBe("2");
    expect((await updates()).map((u) => u.transport)).toEqual(["websocket", "websocket"]);

    await page.goto("about:blank"); // pagehide
    await until(() => sockets.last.closed !== undefined, "the socket's close");
    expect(sockets.last.messages()).toEqual([{ type: "leave" }]);
    expect(sockets.last.closed?.code).toBe(1000);
  });

  it("falls back to heartbeats when the upgrade is refused", async () => {
    sockets.answer = () => ({ refuse: 426 });
    const heartbeats: string[] = [];
    sockets.onRequest = (request, response) => {
      const cors = {
        "access-control-allow-origin": site!.url,
        "access-control-allow-headers": "authorization, content-type",
        "access-control-allow-methods": "POST",
      };
      if (request.method === "OPTIONS") return void response.writeHead(204, cors).end();
      heartbeats.push(`${request.method} ${request.url} ${request.headers.authorization}`);
      const body = {
        stageId: "concert-42",
        viewerId: "user-1",
        viewers: 7,
        estimated: false,
        nextHeartbeatInMs: 30_000,
        ticket: "493612.0.0.AAAAAAAAAAAAAAAAAAAAAA",
      };
      response
        .writeHead(200, { ...cors, "content-type": "application/json" })
        .end(JSON.stringify(body));
    };
    await page.goto(`${site!.url}/?api=${encodeURIComponent(sockets.url)}`);
    await page.waitForFunction(() => (window as unknown as PageWindow).updates.length === 1);
    expect(await updates()).toEqual([
      { stageId: "concert-42", viewers: 7, estimated: false, transport: "http" },
    ]);
    expect(heartbeats).toEqual(["POST /v1/stages/concert-42/heartbeats Bearer tok-1"]);
    expect(sockets.upgrades).toHaveLength(1);
    expect(await page.evaluate(() => (window as unknown as PageWindow).problems)).toEqual([]);
  });
});
