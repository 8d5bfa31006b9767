import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Debian's Chromium (`apt-get install chromium`), which the browser tests drive. */
export const CHROMIUM = "/usr/bin/chromium";

/** Whether it is installed: without it the browser tests are skipped, and say why. */
export const hasChromium = existsSync(CHROMIUM);

/**
 * Headless Chromium as every browser test runs it: no sandbox (CI runs as root), no GPU, and
 * none of its own network traffic (updates, sync), so nothing leaves the machine.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
