/**
 * Issue 21 as it was seen in headless Chromium: a page on another origin holding the admin key
 * asked for a method a path does not have (PATCH /v1/stages), or for a public read with
 * `Authorization`; the preflights granted the path's admin methods to `*` for a day; Chromium
 * cached them and sent the admin POST and PATCH without asking again, and the worker carried
 * them out. Here the page's fetches must be stopped by the browser (nothing created, nothing
 * ended), while a console on an origin CORS_ORIGINS names still creates and ends stages.
 */

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createPresenceClient, type PresenceClient } from "@viewer-presence/client";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startWranglerDev } from "../stack";
import { TEST_ADMIN_KEY, testBindings, uniqueId } from "../test-env";
import { hasChromium, launchChromium } from "./chromium";

let worker: Awaited<ReturnType<typeof startWranglerDev>> | undefined;
const sites: Server[] = [];
let strangerUrl = "";
let consoleUrl = "";
let browser: Browser | undefined;
let admin: PresenceClient;

/** A blank page on an origin of its own (a port of its own on 127.0.0.1). */
async function serveBlankPage(): Promise<string> {
  const site = createServer((_, response) => {
    response.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>-</title>");
  });
  await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
  sites.push(site);
  return `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
}

interface Attempt {
  api: string;
  key: string;
  newStageId: string;
  liveStageId: string;
}

/**
 * In the page: the admin calls, in the order that primed Chromium's preflight cache. Each
 * outcome is the status the page could read, or `blocked` when the browser stopped the fetch.
 */
async function adminCallsFromPage({ api, key, newStageId, liveStageId }: Attempt) {
  const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
  const outcome = async (request: Promise<Response>) => {
    try {
      return (await request).status;
    } catch {
      return "blocked";
    }
  };
  return {
    // A method /v1/stages does not have: its preflight used to grant GET,POST,PATCH to `*`.
    patchStages: await outcome(fetch(`${api}/v1/stages`, { method: "PATCH", headers, body: "{}" })),
    create: await outcome(
      fetch(`${api}/v1/stages`, {
        method: "POST",
        headers,
        body: JSON.stringify({ id: newStageId, title: "Made elsewhere" }),
      }),
    ),
    // The public read with the key: its preflight used to grant the path's PATCH too.
    read: await outcome(fetch(`${api}/v1/stages/${liveStageId}`, { headers })),
    end: await outcome(
      fetch(`${api}/v1/stages/${liveStageId}`, {
        method: "PATCH",
        headers,
        body: JSON.stringify({ status: "ended" }),
      }),
    ),
  };
}

async function stageStatus(stageId: string): Promise<string | undefined> {
  const { data } = await admin.GET("/v1/stages/{stageId}", { params: { path: { stageId } } });
  return data?.status;
}

beforeAll(async () => {
  if (!hasChromium) return;
  strangerUrl = await serveBlankPage();
  consoleUrl = await serveBlankPage();
  worker = await startWranglerDev({
    port: 0,
    vars: testBindings(inject("stackEnv"), {
      REDIS_KEY_PREFIX: `${uniqueId("cors")}:`,
      // Viewer routes open to any origin (the default), admin routes to the console's.
      CORS_ORIGINS: `*,${consoleUrl}`,
    }),
  });
  admin = createPresenceClient({ baseUrl: worker.url, adminKey: TEST_ADMIN_KEY });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  await Promise.all(sites.map((site) => new Promise((resolve) => site.close(resolve))));
});

describe.skipIf(!hasChromium)(
  "admin routes from other origins in Chromium (needs /usr/bin/chromium: apt-get install chromium)",
  () => {
    async function attemptFrom(origin: string) {
      const liveStageId = uniqueId("cors");
      const created = await admin.POST("/v1/stages", {
        body: { id: liveStageId, title: "Live" },
      });
      expect(created.response.status).toBe(201);
      const newStageId = uniqueId("cors");
      const context = await browser!.newContext(); // a preflight cache of its own
      const page = await context.newPage();
      await page.goto(origin);
      const outcomes = await page.evaluate(adminCallsFromPage, {
        api: worker!.url,
        key: TEST_ADMIN_KEY,
        newStageId,
        liveStageId,
      });
      await context.close();
      return {
        outcomes,
        created: await stageStatus(newStageId),
        live: await stageStatus(liveStageId),
      };
    }

    it("stops a page on an unlisted origin from creating or ending a stage with the admin key", async () => {
      expect(await attemptFrom(strangerUrl)).toEqual({
        outcomes: { patchStages: "blocked", create: "blocked", read: 200, end: "blocked" },
        created: undefined, // no such stage
        live: "live", // not ended
      });
    });

    it("lets the console's listed origin create and end stages", async () => {
      expect(await attemptFrom(consoleUrl)).toEqual({
        outcomes: { patchStages: "blocked", create: 201, read: 200, end: 200 },
        created: "live",
        live: "ended",
      });
    });
  },
);
