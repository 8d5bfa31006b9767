import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { signViewerToken } from "@viewer-presence/tokens";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { WranglerDevHandle } from "../stack/wrangler-dev";
import { adminHeaders, TEST_TOKEN_SECRET, uniqueId } from "../test-env";
import { hasChromium, launchChromium } from "./chromium";
import { type ClientPageSite, serveClientPage, startWorkerForPage } from "./client-page";

/**
 * Issue 17's first "Done when", in Chromium against the real thing: pages bundling
 * `startPresence` as a front end does, on the worker and its PresenceShard Durable Objects under
 * `wrangler dev` (workerd, hibernation, alarms), with real Redis behind the Upstash endpoint and
 * dynalite. Each page is another viewer's tab. What is asserted is what the pages show and what
 * the count API answers, never how fast: the shard's schedule for writing Redis is its own. The
 * times from a join or a leave to another page showing it are measured and printed (the issue's
 * goal is 2 s); BENCHMARKS.md has the load run's figures.
 *
 * The heartbeat interval is 5 s (the least the config takes) so that a ping period, and the
 * shard's closing of a socket silent for two of them, fit in a test.
 */
const INTERVAL_SEC = 5;
/** How long a page may take to show a change: generous, a bound on a hang, not a latency. */
const SHOWN_WITHIN_MS = 10_000;
/**
 * How long the count API may take to agree: the shard writes Redis at least once a slot (one
 * interval), then a count read is cached 2 s per isolate; doubled for a loaded machine.
 */
const COUNTED_WITHIN_MS = 2 * (INTERVAL_SEC * 1000 + 2_000) + SHOWN_WITHIN_MS;

let worker: WranglerDevHandle | undefined;
let site: ClientPageSite | undefined;
let browser: Browser | undefined;
let proxy: UpgradeRefusingProxy | undefined;
/** Viewers whose page said `pagehide` (a beacon to the site). */
const pageHides: string[] = [];

/**
 * A page of one viewer: startPresence with the API base, stage and token from its query string;
 * each count it gets is shown and kept with the time it came (the machine's clock, as Node's).
 */
const PAGE = `<!doctype html><html><body><p id="viewers">-</p><script type="module">
import { startPresence } from "/client.js";
const query = new URLSearchParams(location.search);
window.updates = [];
window.problems = [];
window.socketsOpened = 0;
class CountedWebSocket extends WebSocket {
  constructor(...args) { super(...args); window.socketsOpened += 1; }
}
addEventListener("pagehide", () => navigator.sendBeacon("/pagehide?viewer=" + query.get("viewer")));
window.presence = startPresence({
  baseUrl: query.get("api"),
  stageId: query.get("stage"),
  token: query.get("token"),
  WebSocket: CountedWebSocket,
  onUpdate: (update) => {
    window.updates.push({ ...update, atMs: Date.now() });
    document.getElementById("viewers").textContent = String(update.viewers);
  },
  onError: (problem) => { window.problems.push(problem); },
});
</script></body></html>`;

type Update = { viewers: number; transport: "websocket" | "http"; atMs: number };
type PageWindow = {
  updates: Update[];
  problems: unknown[];
  socketsOpened: number;
  presence: { state: { status: string; consecutiveFailures: number } };
};

/**
 * A proxy in front of `wrangler dev` that passes plain HTTP (heartbeats, their CORS preflights)
 * and refuses every WebSocket upgrade, as some corporate proxies do: it answers 403, or drops
 * the connection without a word.
 */
interface UpgradeRefusingProxy {
  url: string;
  refusal: "403" | "drop";
  /** Upgrade requests it refused, by path. */
  upgrades: string[];
  close(): Promise<void>;
}

async function startUpgradeRefusingProxy(target: string): Promise<UpgradeRefusingProxy> {
  const { hostname, port } = new URL(target);
  const server = createServer((incoming, outgoing) => {
    const forwarded = request(
      { hostname, port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on("error", () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  const handle: UpgradeRefusingProxy = {
    url: "",
    refusal: "403",
    upgrades: [],
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server.on("upgrade", (incoming, socket) => {
    handle.upgrades.push(incoming.url ?? "");
    if (handle.refusal === "drop") return void socket.destroy();
    socket.end(
      "HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\ncontent-length: 22\r\nconnection: close\r\n\r\nWebSockets not allowed",
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  handle.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return handle;
}

beforeAll(async () => {
  if (!hasChromium) return;
  site = await serveClientPage(PAGE, {
    "/pagehide": (incoming, outgoing) => {
      pageHides.push(new URL(incoming.url!, "http://site").searchParams.get("viewer") ?? "");
      incoming.resume();
      outgoing.writeHead(204).end();
    },
    "/blank": (_, outgoing) => {
      outgoing
        .writeHead(200, { "content-type": "text/html" })
        .end("<!doctype html><title>-</title>");
    },
  });
  worker = await startWorkerForPage({
    stackEnv: inject("stackEnv"),
    siteUrl: site.url,
    keyLabel: "bd",
    vars: { HEARTBEAT_INTERVAL_SEC: String(INTERVAL_SEC) },
  });
  proxy = await startUpgradeRefusingProxy(worker.url);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await worker?.stop();
  await site?.close();
});

async function createStage(): Promise<string> {
  const id = uniqueId("bd");
  const created = await fetch(`${worker!.url}/v1/stages`, {
    method: "POST",
    headers: adminHeaders,
    body: JSON.stringify({ id, title: "Tabs" }),
  });
  expect(created.status).toBe(201);
  return id;
}

async function tokenFor(stageId: string, viewerId: string): Promise<string> {
  return (
    await signViewerToken({ secret: TEST_TOKEN_SECRET, viewerId, stageId, nowMs: Date.now() })
  ).token;
}

/** What the count API answers (public, as any page reads it). */
async function countedViewers(stageId: string): Promise<number> {
  const answer = await fetch(`${worker!.url}/v1/stages/${stageId}/viewers`);
  return ((await answer.json()) as { viewers: number }).viewers;
}

/** Opens a viewer's tab on the stage, its API at `api` (the worker, or the refusing proxy). */
async function openTab(stageId: string, viewer: string, api = worker!.url): Promise<Page> {
  const page = await browser!.newPage();
  const query = new URLSearchParams({
    api,
    stage: stageId,
    token: await tokenFor(stageId, viewer),
  });
  query.set("viewer", viewer);
  await page.goto(`${site!.url}/?${query}`);
  return page;
}

const shown = (page: Page) => page.textContent("#viewers");
const socketsOpened = (page: Page) =>
  page.evaluate(() => (window as unknown as PageWindow).socketsOpened);
const updatesOf = (page: Page) => page.evaluate(() => (window as unknown as PageWindow).updates);

/** When the page first showed `viewers` at or after `sinceMs` (its clock is this machine's). */
async function shownAt(page: Page, viewers: number, sinceMs: number): Promise<number> {
  const update = (await updatesOf(page)).find((u) => u.viewers === viewers && u.atMs >= sinceMs);
  expect(update, `an update to ${viewers} after ${sinceMs}`).toBeDefined();
  return update!.atMs;
}

/** Waits until every page shows `viewers`. */
async function allShow(pages: Page[], viewers: number): Promise<void> {
  for (const page of pages) {
    await expect.poll(() => shown(page), { timeout: SHOWN_WITHIN_MS }).toBe(String(viewers));
  }
}

describe.skipIf(!hasChromium)(
  "startPresence in Chromium against the PresenceShard under wrangler dev (needs /usr/bin/chromium)",
  () => {
    it("shows every tab the other tabs' joins and leaves, pushed over its socket", async () => {
      const stageId = await createStage();
      const joins: string[] = [];
      const leaves: string[] = [];

      const alice = await openTab(stageId, "alice");
      await allShow([alice], 1);
      const bobOpensMs = Date.now();
      const bob = await openTab(stageId, "bob");
      await allShow([alice, bob], 2);
      // Bob joined when his socket opened: his own first count came then (the others' may come
      // as soon, so theirs are looked for from when his tab began to open).
      const bobJoinedMs = (await updatesOf(bob))[0]!.atMs;
      joins.push(`bob → alice ${(await shownAt(alice, 2, bobOpensMs)) - bobJoinedMs} ms`);

      const carolOpensMs = Date.now();
      const carol = await openTab(stageId, "carol");
      await allShow([alice, bob, carol], 3);
      const carolJoinedMs = (await updatesOf(carol))[0]!.atMs;
      for (const [name, page] of [
        ["alice", alice],
        ["bob", bob],
      ] as const) {
        joins.push(`carol → ${name} ${(await shownAt(page, 3, carolOpensMs)) - carolJoinedMs} ms`);
      }
      for (const page of [alice, bob, carol]) {
        const updates = await updatesOf(page);
        expect(new Set(updates.map((u) => u.transport))).toEqual(new Set(["websocket"]));
        expect(await socketsOpened(page)).toBe(1);
      }
      await expect.poll(() => countedViewers(stageId), { timeout: COUNTED_WITHIN_MS }).toBe(3);

      // Carol closes her tab: pagehide sends leave, and the others' counts drop.
      const carolLeftMs = Date.now();
      await carol.close();
      await allShow([alice, bob], 2);
      for (const [name, page] of [
        ["alice", alice],
        ["bob", bob],
      ] as const) {
        leaves.push(`carol → ${name} ${(await shownAt(page, 2, carolLeftMs)) - carolLeftMs} ms`);
      }
      const bobLeftMs = Date.now();
      await bob.close();
      await allShow([alice], 1);
      leaves.push(`bob → alice ${(await shownAt(alice, 1, bobLeftMs)) - bobLeftMs} ms`);
      // Each closed tab said pagehide (its beacon may land after the others' counts changed).
      await expect
        .poll(() => pageHides, { timeout: SHOWN_WITHIN_MS })
        .toEqual(expect.arrayContaining(["carol", "bob"]));
      await expect.poll(() => countedViewers(stageId), { timeout: COUNTED_WITHIN_MS }).toBe(1);
      expect(await alice.evaluate(() => (window as unknown as PageWindow).problems)).toEqual([]);
      // Measured, not asserted (the goal is 2 s): from a tab's socket opening, or its close,
      // to another tab showing the new count.
      console.log(`tabs saw joins after: ${joins.join(", ")}; leaves after: ${leaves.join(", ")}`);
      await alice.close();
    }, 90_000);

    it("keeps a page counted by its pings, while the shard drops a socket that stops pinging", async () => {
      const stageId = await createStage();
      const page = await openTab(stageId, "dora");
      await allShow([page], 1);
      // A second viewer's bare socket that never pings, in a page of its own: the shard closes
      // it once it has been silent for two ping periods, so by then the first page has had to
      // ping to stay. (Chromium, not Node's WebSocket: under wrangler dev a close from the
      // shard's alarm reaches Node's only when the connection ends, Chromium's 2 s later.)
      const mute = await browser!.newPage();
      await mute.goto(`${site!.url}/blank`);
      const muteUrl = `${worker!.url.replace(/^http/, "ws")}/v1/stages/${stageId}/presence?token=${await tokenFor(stageId, "mute")}`;
      await mute.evaluate((url) => {
        const socket = new WebSocket(url);
        socket.addEventListener("close", ({ code, reason }) => {
          (window as unknown as { muteClose: unknown }).muteClose = { code, reason };
        });
      }, muteUrl);
      await allShow([page], 2);
      const muteClosed = () =>
        mute.evaluate(() => (window as unknown as { muteClose?: unknown }).muteClose);
      // Silent for two ping periods, then the shard's next alarm (one slot), then Chromium's wait.
      await expect
        .poll(muteClosed, { timeout: 3 * INTERVAL_SEC * 1000 + 2_000 + SHOWN_WITHIN_MS })
        .toBeDefined();
      // "silent": the shard found it quiet for two ping periods; the page has been open longer.
      expect(await muteClosed()).toEqual({ code: 1000, reason: "silent" });
      await allShow([page], 1);
      const state = await page.evaluate(() => (window as unknown as PageWindow).presence.state);
      expect(state).toMatchObject({ status: "open", consecutiveFailures: 0 });
      // On the socket it opened first: never closed, never reopened.
      expect(await socketsOpened(page)).toBe(1);
      await expect.poll(() => countedViewers(stageId), { timeout: COUNTED_WITHIN_MS }).toBe(1);
      await Promise.all([page.close(), mute.close()]);
    }, 60_000);

    it.each(["403", "drop"] as const)(
      "falls back to heartbeats, still counted, when a proxy refuses the upgrade (%s)",
      async (refusal) => {
        proxy!.refusal = refusal;
        const refusedBefore = proxy!.upgrades.length;
        const stageId = await createStage();
        const page = await openTab(stageId, "erin", proxy!.url);
        await allShow([page], 1);
        expect(proxy!.upgrades.length).toBeGreaterThan(refusedBefore);
        // Its next heartbeat comes one interval later: still counted, still over HTTP.
        await expect
          .poll(async () => (await updatesOf(page)).length, {
            timeout: SHOWN_WITHIN_MS + INTERVAL_SEC * 1000,
          })
          .toBeGreaterThanOrEqual(2);
        const updates = await updatesOf(page);
        expect(updates.map(({ viewers, transport }) => ({ viewers, transport }))).toEqual(
          updates.map(() => ({ viewers: 1, transport: "http" })),
        );
        const state = await page.evaluate(() => (window as unknown as PageWindow).presence.state);
        expect(state.status).toBe("fallback");
        expect(await page.evaluate(() => (window as unknown as PageWindow).problems)).toEqual([]);
        await expect.poll(() => countedViewers(stageId), { timeout: COUNTED_WITHIN_MS }).toBe(1);
        await page.close();
      },
      60_000,
    );
  },
);
