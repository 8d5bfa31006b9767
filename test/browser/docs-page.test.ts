import { execFile } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startWranglerDev } from "../stack";
import { TEST_ADMIN_KEY, testBindings } from "../test-env";
import { hasChromium, launchChromium } from "./chromium";
import { widerThanViewport } from "./overflow";

const ARTIFACTS = fileURLToPath(new URL("./artifacts/", import.meta.url));
const run = promisify(execFile);

let worker: Awaited<ReturnType<typeof startWranglerDev>> | undefined;
let browser: Browser | undefined;
/** The operationIds of the worker's own /openapi.json, in document order. */
let operationIds: string[] = [];

beforeAll(async () => {
  if (!hasChromium) return;
  await mkdir(ARTIFACTS, { recursive: true });
  worker = await startWranglerDev({ port: 0, vars: testBindings(inject("stackEnv")) });
  const document = (await (await fetch(`${worker.url}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { operationId: string }>>;
  };
  operationIds = Object.values(document.paths).flatMap((methods) =>
    Object.values(methods).map((operation) => operation.operationId),
  );
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
});

async function docsAt(width: number) {
  const page = await browser!.newPage({ viewport: { width, height: 900 } });
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
  await page.goto(`${worker!.url}/docs`);
  return { page, errors };
}

describe.skipIf(!hasChromium)(
  "/docs in Chromium (needs /usr/bin/chromium: apt-get install chromium)",
  () => {
    it("lists every operation in its contents, each with a curl sample and a client call, and nothing is wider than 1280 or 390 px", async () => {
      expect(operationIds.length).toBeGreaterThanOrEqual(20);
      for (const width of [1280, 390]) {
        const { page, errors } = await docsAt(width);
        for (const id of operationIds) {
          expect(await page.locator(`nav a[href="#${id}"]`).count(), id).toBe(1);
          const curl = await page.textContent(`section#${id} [data-sample="curl"] code`);
          expect(curl, id).toMatch(new RegExp(`^curl -s (-X [A-Z]+ )?'${worker!.url}/`));
          const call = await page.textContent(`section#${id} [data-sample="client"] code`);
          expect(call, id).toContain("await client.");
        }
        expect(await widerThanViewport(page)).toEqual([]);
        const entry = page.locator('nav a[href="#getStageViewers"]');
        if (width >= 1024) {
          // Wide: the contents stand beside the reference, open, and stay while it scrolls.
          expect(await entry.isVisible()).toBe(true);
          await entry.click();
          await page.waitForFunction(() => location.hash === "#getStageViewers");
          const top = await page.evaluate(
            () => document.getElementById("getStageViewers")!.getBoundingClientRect().top,
          );
          expect(Math.abs(top)).toBeLessThan(20);
          expect(await entry.isVisible()).toBe(true);
          await page.goto(`${worker!.url}/docs`);
        } else {
          // Narrow: folded above the reference until opened.
          expect(await entry.isVisible()).toBe(false);
          await page.click(".toc > summary");
          expect(await entry.isVisible()).toBe(true);
          expect(await widerThanViewport(page)).toEqual([]);
        }
        await page.screenshot({ path: `${ARTIFACTS}docs-${width}.png` });
        expect(errors).toEqual([]);
        await page.close();
      }
    }, 60_000);

    it("the quick start and every operation's curl sample paste into a shell and run against the worker", async () => {
      const { page } = await docsAt(1280);
      const quickStart = (await page.textContent('[data-sample="quick-start"] code'))!;
      const samples: [string, string][] = [];
      for (const id of operationIds) {
        samples.push([id, (await page.textContent(`section#${id} [data-sample="curl"] code`))!]);
      }
      await page.close();
      // As pasted: the quick start first (it sets VIEWER_TOKEN), then each sample, its status
      // written after its answer by a curl wrapper.
      const script = [
        "set -euo pipefail",
        quickStart,
        "echo",
        `curl() { command curl -w '\\n@@%{http_code}\\n' "$@"; }`,
        ...samples.map(([id, sample]) => `echo "## ${id}"\n${sample}`),
      ].join("\n");
      const { stdout } = await run("bash", ["-c", script], {
        env: {
          PATH: `${dirname(process.execPath)}:${process.env.PATH}`,
          ADMIN_API_KEY: TEST_ADMIN_KEY,
        },
      });
      const [flow, ...answers] = stdout.split(/^## /m);
      // The quick start's last answer is the stage's count, with the viewer it counted.
      const counts = [...flow!.matchAll(/"viewers":(\d+)/g)].map((match) => Number(match[1]));
      expect(counts.at(-1)).toBeGreaterThanOrEqual(1);
      const statuses: Record<string, number> = Object.fromEntries(
        answers.map((answer) => [
          answer.split("\n")[0],
          Number(/@@(\d{3})/.exec(answer)?.[1] ?? Number.NaN),
        ]),
      );
      expect(Object.keys(statuses)).toEqual(operationIds);
      // Every sample is a request the contract takes, with a credential the worker accepts:
      // never a 400, 401, 415 or 5xx (a 404 for the example broadcast, a 409 for the stage the
      // quick start created, a 403/410 after the sample that ends it are answers about the data).
      const refused = Object.entries(statuses).filter(
        ([, status]) => !(status >= 200 && status < 500) || [400, 401, 405, 415].includes(status),
      );
      expect(refused).toEqual([]);
    }, 60_000);
  },
);
