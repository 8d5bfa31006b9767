import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { createPresenceClient, type PresenceClient } from "@viewer-presence/client";
import { parseConfig } from "@viewer-presence/shared/config";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createApp } from "../../edge/app";
import { syncOnce } from "../../sync";
import { planAudience, seededRandom, type ViewerPlan } from "../demo/audience-plan";
import { createDemoStages } from "../demo/demo-stages";
import { runAudience, virtualClock, wallClock } from "../demo/run-audience";
import { startWranglerDev } from "../stack";
import { TEST_ADMIN_KEY, testBindings, uniqueId } from "../test-env";
import { hasChromium, launchChromium } from "./chromium";
import { widerThanViewport } from "./overflow";

const ARTIFACTS = fileURLToPath(new URL("./artifacts/", import.meta.url));
/** The series colour the console draws peaks in (console/src/pages/stage.ts): rgb(43,108,176). */
const PEAK_RGB = [43, 108, 176];
const HOUR_MS = 3_600_000;

let worker: Awaited<ReturnType<typeof startWranglerDev>> | undefined;
let browser: Browser | undefined;
let api: PresenceClient;
let stageIds: string[] = [];
const live = new AbortController();
let liveRun: Promise<unknown> | undefined;
const LIVE_VIEWERS = { main: 5, talk: 3 };
const ANALYTICS_KEY = "test-analytics-key-0123456789";

beforeAll(async () => {
  if (!hasChromium) return;
  await mkdir(ARTIFACTS, { recursive: true });
  const env = testBindings(inject("stackEnv"), {
    ANALYTICS_API_KEY: ANALYTICS_KEY,
  });
  worker = await startWranglerDev({ port: 0, vars: env });
  api = createPresenceClient({ baseUrl: worker.url, adminKey: TEST_ADMIN_KEY });

  // History: 11 minutes of the demo's audience, played in a few seconds on a virtual clock.
  const clock = virtualClock(Date.now() - 11 * 60_000);
  const app = createApp({ now: clock.now, logError: () => {} });
  const inProcess = createPresenceClient({
    baseUrl: "http://in-process",
    adminKey: TEST_ADMIN_KEY,
    fetch: (request) => Promise.resolve(app.request(request, undefined, env)),
  });
  const runId = uniqueId("demo");
  stageIds = await createDemoStages(inProcess, runId, 2);
  const durationMs = Date.now() - clock.nowMs - 1000;
  const plan = planAudience({
    viewers: 30,
    stageIds,
    durationMs,
    random: seededRandom(11),
    idPrefix: runId,
  }).map((viewer) => ({ ...viewer, sendsLeave: true })); // none left to expire mid-test
  const history = await runAudience({
    client: inProcess,
    plan,
    durationMs,
    clock,
    everyoneLeavesAtEnd: true,
  });
  expect(history.failures).toBe(0);
  expect(history.heartbeats).toBeGreaterThan(100);
  await syncOnce(parseConfig(env), { log: () => {} });

  // Live: a few viewers who stay, beating against the worker in real time.
  const stay = (stageId: string, count: number, label: string): ViewerPlan[] =>
    Array.from({ length: count }, (_, i) => ({
      viewerId: `${runId}-${label}-${i}`,
      stageId,
      country: "DE",
      userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0",
      joinAtMs: 0,
      leaveAtMs: Number.POSITIVE_INFINITY,
      tabs: 1,
      sendsLeave: true,
    }));
  liveRun = runAudience({
    client: api,
    plan: [
      ...stay(stageIds[0]!, LIVE_VIEWERS.main, "live"),
      ...stay(stageIds[1]!, LIVE_VIEWERS.talk, "live"),
    ],
    durationMs: 180_000,
    clock: wallClock,
    signal: live.signal,
    everyoneLeavesAtEnd: true,
  });
  const deadline = Date.now() + 15_000;
  while ((await viewersOf(stageIds[0]!)) !== LIVE_VIEWERS.main && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  live.abort();
  await liveRun;
  await browser?.close();
  await worker?.stop();
});

async function viewersOf(stageId: string): Promise<number | undefined> {
  const { data } = await api.GET("/v1/stages/{stageId}/viewers", {
    params: { path: { stageId } },
  });
  return data?.viewers;
}

/** The API's 30-s series of a stage over the last hour: what the charts must hold. */
async function lastHourPoints(stageId: string): Promise<number> {
  const to = Date.now();
  const { data } = await api.GET("/v1/stages/{stageId}/series", {
    params: {
      path: { stageId },
      query: {
        resolution: "30s",
        from: new Date(to - HOUR_MS).toISOString(),
        to: new Date(to).toISOString(),
        limit: 120,
      },
    },
  });
  return data!.points.length;
}

/** A page whose console errors and uncaught exceptions are collected. */
async function consolePage(width = 1200, height = 900): Promise<{ page: Page; errors: string[] }> {
  const page = await browser!.newPage({ viewport: { width, height } });
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(String(error)));
  return { page, errors };
}

async function signIn(page: Page, key: string) {
  await page.goto(`${worker!.url}/console/`);
  await page.fill("#key", key);
  await page.press("#key", "Enter");
}

describe.skipIf(!hasChromium)(
  "the console in Chromium (needs /usr/bin/chromium: apt-get install chromium)",
  () => {
    it("shows each live stage's count as the API answers it, and sparklines of the API's points", async () => {
      const { page, errors } = await consolePage();
      await signIn(page, TEST_ADMIN_KEY);
      const [main, talk] = stageIds as [string, string];
      const count = (id: string) => `tr[data-stage-id="${id}"] .count[data-viewers]`;
      await page.waitForSelector(count(main), { timeout: 15_000 });
      await page.waitForSelector(count(talk), { timeout: 15_000 });
      expect(Number(await page.getAttribute(count(main), "data-viewers"))).toBe(
        await viewersOf(main),
      );
      expect(Number(await page.getAttribute(count(talk), "data-viewers"))).toBe(
        await viewersOf(talk),
      );
      expect(await viewersOf(main)).toBe(LIVE_VIEWERS.main);
      const total = await api.GET("/v1/viewers");
      await page.waitForSelector("#total-viewers[data-viewers]");
      expect(Number(await page.getAttribute("#total-viewers", "data-viewers"))).toBe(
        total.data!.viewers,
      );

      const sparkline = `tr[data-stage-id="${main}"] .sparkline[data-points]`;
      await page.waitForSelector(sparkline, { timeout: 15_000 });
      const points = await lastHourPoints(main);
      expect(points).toBeGreaterThanOrEqual(10);
      expect(Number(await page.getAttribute(sparkline, "data-points"))).toBe(points);

      // Keyboard: the first Tab reaches the skip link, the next ones the page links.
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(
        "Skip to content",
      );
      await page.screenshot({ path: `${ARTIFACTS}console-live.png`, fullPage: true });
      const phone = await consolePage(390);
      await signIn(phone.page, TEST_ADMIN_KEY);
      await phone.page.waitForSelector(count(main), { timeout: 15_000 });
      await phone.page.screenshot({ path: `${ARTIFACTS}console-live-phone.png`, fullPage: true });
      // Nothing wider than the phone's screen but the tables' own scrolling boxes.
      expect(
        await phone.page.evaluate(() => document.documentElement.scrollWidth),
      ).toBeLessThanOrEqual(390);
      await phone.page.close();
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);

    it("draws the stage's concurrency chart from the API's series, with its summary and breakdowns", async () => {
      const { page, errors } = await consolePage(1200, 1500);
      await signIn(page, TEST_ADMIN_KEY);
      const main = stageIds[0]!;
      await page.waitForSelector("#stages");
      await page.goto(`${worker!.url}/console/#/stages/${main}`);
      await page.waitForSelector("#concurrency-chart[data-points]", { timeout: 15_000 });
      const points = await lastHourPoints(main);
      expect(Number(await page.getAttribute("#concurrency-chart", "data-points"))).toBe(points);
      // The canvas holds the peak line: pixels of its colour, not just axes.
      const peakPixels = await page.evaluate((rgb) => {
        const canvas = document.querySelector("#concurrency-chart canvas") as HTMLCanvasElement;
        const pixels = canvas
          .getContext("2d")!
          .getImageData(0, 0, canvas.width, canvas.height).data;
        let count = 0;
        for (let i = 0; i < pixels.length; i += 4) {
          const near =
            Math.abs(pixels[i]! - rgb[0]!) < 20 &&
            Math.abs(pixels[i + 1]! - rgb[1]!) < 20 &&
            Math.abs(pixels[i + 2]! - rgb[2]!) < 20 &&
            pixels[i + 3]! > 200;
          if (near) count++;
        }
        return count;
      }, PEAK_RGB);
      expect(peakPixels).toBeGreaterThan(100);
      expect(await page.textContent("#summary-peak")).toMatch(/^\d+ at /);
      await page.waitForSelector("#breakdown-country tbody tr");
      expect(await page.locator("#breakdown-country tbody tr").count()).toBeGreaterThanOrEqual(3);
      await page.waitForSelector("#records tbody tr td:nth-child(3)");
      await page.waitForSelector("#stage-viewers[data-viewers]");
      // The top of the page (chart, summary, breakdowns): the README's picture.
      await page.screenshot({ path: `${ARTIFACTS}console-stage.png` });
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);

    it("ends a stage from the console: its viewers' heartbeats answer 410", async () => {
      const stageId = uniqueId("end");
      await api.POST("/v1/stages", { body: { id: stageId, title: "To be ended" } });
      const issued = await api.POST("/v1/stages/{stageId}/viewer-tokens", {
        params: { path: { stageId } },
        body: { viewerId: "last-viewer" },
      });
      const heartbeat = () =>
        api.POST("/v1/stages/{stageId}/heartbeats", {
          params: { path: { stageId } },
          headers: { authorization: `Bearer ${issued.data!.token}` },
        });
      expect((await heartbeat()).response.status).toBe(200);

      const { page, errors } = await consolePage();
      page.on("dialog", (dialog) => void dialog.accept());
      await signIn(page, TEST_ADMIN_KEY);
      await page.waitForSelector("#stages");
      await page.goto(`${worker!.url}/console/#/stages/${stageId}`);
      await page.waitForSelector('#stage-status[data-status="live"]');
      await page.click("#toggle-status");
      await page.waitForSelector('#stage-status[data-status="ended"]', { timeout: 10_000 });
      expect((await heartbeat()).response.status).toBe(410);

      // The broadcast it ended is listed, ended, as listBroadcasts answers it.
      const broadcasts = await api.GET("/v1/stages/{stageId}/broadcasts", {
        params: { path: { stageId } },
      });
      expect(broadcasts.data!.items).toHaveLength(1);
      const ended = broadcasts.data!.items[0]!;
      expect(ended.endedAt).not.toBeNull();
      await page.reload();
      const row = `#broadcasts tr[data-broadcast="${ended.broadcastId}"]`;
      await page.waitForSelector(row, { timeout: 10_000 });
      expect(await page.locator("#broadcasts tbody tr").count()).toBe(1);
      expect(await page.textContent(`${row} td:nth-child(2)`)).not.toBe("live");
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);

    it("shows one viewer's month on the Viewer page as getViewerWatchTime answers it", async () => {
      const { page, errors } = await consolePage();
      await signIn(page, TEST_ADMIN_KEY);
      await page.waitForSelector("#stages");
      await page.goto(`${worker!.url}/console/#/viewers`);
      await page.fill("#viewer-id", "last-viewer");
      await page.click('form button[type="submit"]');
      await page.waitForSelector("#viewer-watch-time h2", { timeout: 10_000 });
      const now = new Date();
      const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString();
      const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString();
      const watched = await api.GET("/v1/viewers/{viewerId}/watch-time", {
        params: { path: { viewerId: "last-viewer" }, query: { from, to } },
      });
      expect(await page.textContent("#viewer-watch-time p")).toContain(
        `${watched.data!.totalSeconds} s watched from ${from.slice(0, 10)} to ${to.slice(0, 10)}`,
      );
      await page.screenshot({ path: `${ARTIFACTS}console-viewer.png`, fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);

    it("with the read-only analytics key: opens a stage by id and shows its history, with nothing to change", async () => {
      const { page, errors } = await consolePage();
      await signIn(page, ANALYTICS_KEY);
      await page.waitForSelector("#open-stage");
      expect(await page.textContent(".role")).toBe("analytics key (read only)");
      await page.fill("#open-stage", stageIds[0]!);
      await page.press("#open-stage", "Enter");
      await page.waitForSelector("#concurrency-chart[data-points]", { timeout: 15_000 });
      expect(Number(await page.getAttribute("#concurrency-chart", "data-points"))).toBe(
        await lastHourPoints(stageIds[0]!),
      );
      expect(await page.locator("#toggle-status").count()).toBe(0);
      // Telling the analytics key from the admin key costs a refused listStages (401) and a
      // history read of a stage that does not exist (404), which the browser logs itself.
      expect(errors.filter((e) => !/status of (401|404)/.test(e))).toEqual([]);
      await page.close();
    }, 60_000);

    it("says clearly when a key is wrong, and keeps the key out of the console", async () => {
      const { page, errors } = await consolePage();
      await signIn(page, "not-the-key-0123456789");
      await page.waitForSelector("#signin-error:not([hidden])");
      const message = await page.textContent("#signin-error");
      expect(message).toContain("This key was refused");
      expect(message).toContain("neither the admin key nor the analytics key");
      expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
      await page.screenshot({ path: `${ARTIFACTS}console-wrong-key.png` });
      // The browser itself logs each refused request; nothing else may appear.
      expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
      await page.close();
    }, 60_000);

    it("prices an audience on the Cost page from estimateCost", async () => {
      const { page, errors } = await consolePage();
      await signIn(page, TEST_ADMIN_KEY);
      await page.waitForSelector("#stages");
      await page.goto(`${worker!.url}/console/#/cost`);
      await page.waitForSelector("#estimates tr[data-architecture]");
      const { data } = await api.GET("/v1/cost-estimates", {
        params: { query: { viewers: 10_000, stages: 10 } },
      });
      expect(await page.locator("#estimates tr[data-architecture]").count()).toBe(
        data!.estimates.length,
      );
      const ours = data!.estimates.find((e) => e.architecture === "redis-snapshots-fixed")!;
      expect(
        await page.textContent('#estimates tr[data-architecture="redis-snapshots-fixed"] strong'),
      ).toBe(
        `$${ours.total.toLocaleString("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`,
      );
      await page.screenshot({ path: `${ARTIFACTS}console-cost.png`, fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);
    it("agrees in number: 1 viewer, 1 stage", async () => {
      const stageId = uniqueId("one");
      await api.POST("/v1/stages", { body: { id: stageId, title: "One viewer" } });
      const issued = await api.POST("/v1/stages/{stageId}/viewer-tokens", {
        params: { path: { stageId } },
        body: { viewerId: "only-viewer" },
      });
      const beat = await api.POST("/v1/stages/{stageId}/heartbeats", {
        params: { path: { stageId } },
        headers: { authorization: `Bearer ${issued.data!.token}` },
      });
      expect(beat.response.status).toBe(200);

      const { page, errors } = await consolePage();
      await signIn(page, TEST_ADMIN_KEY);
      await page.waitForSelector("#stages");
      await page.goto(`${worker!.url}/console/#/stages/${stageId}`);
      await page.waitForSelector('#stage-viewers[data-viewers="1"]', { timeout: 15_000 });
      expect(await page.textContent(".headline div:first-child")).toBe("1 viewer now");

      await page.goto(`${worker!.url}/console/#/cost`);
      await page.waitForSelector("#estimates tr[data-architecture]");
      await page.fill("#stages-count", "1");
      await page.waitForFunction(() =>
        document.querySelector(".cost .hint")?.textContent?.includes(" on 1 stage,"),
      );
      expect(await page.textContent(".cost .hint")).not.toContain("1 stages");
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);

    it("writes the chart's times in 24-hour time, as the tables do", async () => {
      const { page, errors } = await consolePage(1200, 1200);
      // Every text drawn on a canvas: uPlot draws the axes' labels with fillText.
      await page.addInitScript(() => {
        const drawn: string[] = [];
        (window as unknown as { drawnText: string[] }).drawnText = drawn;
        const fillText = CanvasRenderingContext2D.prototype.fillText;
        CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
          drawn.push(String(text));
          return fillText.call(this, text, ...rest);
        };
      });
      await signIn(page, TEST_ADMIN_KEY);
      await page.waitForSelector("#stages");
      await page.goto(`${worker!.url}/console/#/stages/${stageIds[0]!}`);
      await page.waitForSelector("#concurrency-chart[data-points]", { timeout: 15_000 });
      const drawn = await page.evaluate(
        () => (window as unknown as { drawnText: string[] }).drawnText,
      );
      const times = drawn.filter((text) => /\d:\d\d/.test(text));
      expect(times.length).toBeGreaterThanOrEqual(3);
      for (const time of times) expect(time).toMatch(/^\d{2}:\d{2}$/);
      expect(drawn.filter((text) => /\d(am|pm)\b/i.test(text))).toEqual([]);
      // The legend, under the cursor, as the tables write a moment ("Dec 7, 14:05").
      const box = (await page.locator("#concurrency-chart .u-over").boundingBox())!;
      await page.mouse.move(box.x + box.width - 5, box.y + box.height / 2);
      const legend = "#concurrency-chart .u-legend .u-series:first-child .u-value";
      await page.waitForFunction(
        (selector) => document.querySelector(selector)?.textContent !== "--",
        legend,
      );
      expect(await page.textContent(legend)).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{2}:\d{2}$/);
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);

    it("marks the page shown in the nav: a stage page its own entry, not Live", async () => {
      const stageId = stageIds[0]!;
      for (const width of [1200, 390]) {
        const { page, errors } = await consolePage(width);
        await signIn(page, TEST_ADMIN_KEY);
        await page.waitForSelector("#stages");
        expect(await page.getAttribute('nav a[href="#/live"]', "aria-current")).toBe("page");
        await page.click(`#stages a[href="#/stages/${stageId}"]`);
        await page.waitForSelector("#nav-stage[aria-current=page]");
        const current = page.locator('nav [aria-current="page"]');
        expect(await current.count()).toBe(1);
        expect(await current.getAttribute("href")).toBe(`#/stages/${stageId}`);
        expect(await current.textContent()).toContain(stageId);
        expect(await page.getAttribute('nav a[href="#/live"]', "aria-current")).toBeNull();
        // The longer nav still fits a phone.
        expect(await widerThanViewport(page)).toEqual([]);
        await page.click('nav a[href="#/cost"]');
        await page.waitForSelector('nav a[href="#/cost"][aria-current="page"]');
        expect(await page.isVisible("#nav-stage")).toBe(false);
        expect(await page.locator('nav [aria-current="page"]').count()).toBe(1);
        expect(errors).toEqual([]);
        await page.close();
      }
    }, 60_000);

    it("says so when a stage does not exist, instead of showing it empty", async () => {
      const { page } = await consolePage(390);
      await signIn(page, TEST_ADMIN_KEY);
      await page.waitForSelector("#stages");
      await page.goto(`${worker!.url}/console/#/stages/${uniqueId("missing")}`);
      await page.waitForSelector("#no-stage");
      expect(await page.textContent("#alert")).toContain("There is no stage");
      expect(await page.isVisible("#concurrency-chart")).toBe(false);
      expect(await page.isVisible("#broadcasts")).toBe(false);
      expect(await page.isVisible('#no-stage a[href="#/live"]')).toBe(true);
      await page.close();
    }, 60_000);

    it("fits the Cost table in its box at 1280 px, its notes opened across the table", async () => {
      const { page, errors } = await consolePage(1280);
      await signIn(page, TEST_ADMIN_KEY);
      await page.waitForSelector("#stages");
      await page.goto(`${worker!.url}/console/#/cost`);
      await page.waitForSelector("#estimates tr[data-architecture]");
      const fits = () =>
        page.evaluate(() => {
          const box = document.querySelector("#estimates .scroll")!;
          return box.querySelector("table")!.scrollWidth <= box.clientWidth;
        });
      expect(await fits()).toBe(true);
      expect(await widerThanViewport(page)).toEqual([]);
      // A plan's limits and notes open in a row of their own, the width of the table.
      const first = page.locator("#estimates button.disclosure").first();
      const notes = `#${await first.getAttribute("aria-controls")}`;
      expect(await page.isVisible(notes)).toBe(false);
      await first.click();
      expect(await page.isVisible(notes)).toBe(true);
      expect(await first.getAttribute("aria-expanded")).toBe("true");
      for (const button of await page.locator("#estimates button.disclosure").all()) {
        if ((await button.getAttribute("aria-expanded")) === "false") await button.click();
      }
      expect(await fits()).toBe(true);
      await page.screenshot({ path: `${ARTIFACTS}console-cost-notes.png`, fullPage: true });
      // The largest audience, with the widest figures.
      await page.fill("#viewers", "1000000");
      await page.waitForFunction(() =>
        document.querySelector(".cost .hint")?.textContent?.startsWith("1,000,000"),
      );
      expect(await fits()).toBe(true);
      expect(await widerThanViewport(page)).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);
  },
);
