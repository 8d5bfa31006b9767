import { createPresenceClient } from "@viewer-presence/client";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { WranglerDevHandle } from "../stack/wrangler-dev";
import { TEST_ADMIN_KEY, uniqueId } from "../test-env";
import { hasChromium, launchChromium } from "./chromium";
import { type ClientPageSite, serveClientPage, startWorkerForPage } from "./client-page";

let worker: WranglerDevHandle | undefined;
let site: ClientPageSite | undefined;
let browser: Browser | undefined;

/** A page that starts the loop with the stage and token from its query string. */
const PAGE = `<!doctype html><html><body><p id="viewers">-</p><script type="module">
import { startHeartbeatLoop } from "/client.js";
const query = new URLSearchParams(location.search);
window.beats = [];
startHeartbeatLoop({
  baseUrl: query.get("api"),
  stageId: query.get("stage"),
  // No token in the URL: an anonymous viewer (the loop starts an anonymous session).
  ...(query.get("token") ? { token: query.get("token") } : { anonymous: true }),
  onUpdate: (beat) => { window.beats.push(beat); document.getElementById("viewers").textContent = String(beat.viewers); },
  onError: (problem) => { window.problem = problem; },
});
</script></body></html>`;

beforeAll(async () => {
  if (!hasChromium) return;
  site = await serveClientPage(PAGE);
  worker = await startWorkerForPage({
    stackEnv: inject("stackEnv"),
    siteUrl: site.url,
    keyLabel: "br",
  });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  await site?.close();
});

describe.skipIf(!hasChromium)(
  "the heartbeat loop in Chromium (needs /usr/bin/chromium: apt-get install chromium)",
  () => {
    it("bundles for the browser without Node built-ins", () => {
      expect(site!.bundleBytes).toBeGreaterThan(1000);
      expect(site!.bundleBytes).toBeLessThan(100_000);
    });

    it("counts a page's viewer across origins, and drops them by sendBeacon when the page goes away", async () => {
      const admin = createPresenceClient({ baseUrl: worker!.url, adminKey: TEST_ADMIN_KEY });
      const stageId = uniqueId("br");
      await admin.POST("/v1/stages", { body: { id: stageId, title: "Browser" } });
      const issued = await admin.POST("/v1/stages/{stageId}/viewer-tokens", {
        params: { path: { stageId } },
        body: { viewerId: "browser-viewer" },
      });
      const viewers = async () =>
        (await admin.GET("/v1/stages/{stageId}/viewers", { params: { path: { stageId } } })).data
          ?.viewers;

      const page = await browser!.newPage();
      const query = new URLSearchParams({
        api: worker!.url,
        stage: stageId,
        token: issued.data!.token,
      });
      await page.goto(`${site!.url}/?${query}`);
      await page.waitForFunction(
        () => (window as unknown as { beats: unknown[] }).beats.length > 0,
        null,
        { timeout: 10_000 },
      );
      expect(await page.textContent("#viewers")).toBe("1");
      expect(await viewers()).toBe(1);

      await page.goto("about:blank"); // pagehide: the loop sends leaveStage with sendBeacon
      const deadline = Date.now() + 10_000;
      let count = await viewers();
      while (count !== 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        count = await viewers();
      }
      expect(count).toBe(0);
      await page.close();
    });

    it("counts an anonymous viewer through an anonymous session, across origins", async () => {
      const admin = createPresenceClient({ baseUrl: worker!.url, adminKey: TEST_ADMIN_KEY });
      const stageId = uniqueId("br");
      await admin.POST("/v1/stages", {
        body: { id: stageId, title: "Open", allowAnonymous: true },
      });
      const page = await browser!.newPage();
      await page.goto(`${site!.url}/?${new URLSearchParams({ api: worker!.url, stage: stageId })}`);
      await page.waitForFunction(
        () => (window as unknown as { beats: unknown[] }).beats.length > 0,
        null,
        { timeout: 10_000 },
      );
      const beat = await page.evaluate(
        () => (window as unknown as { beats: { viewerId: string }[] }).beats[0],
      );
      expect(beat?.viewerId).toMatch(/^~[A-Za-z0-9_-]{22}$/);
      expect(await page.textContent("#viewers")).toBe("1");
      await page.close();
    });
  },
);
