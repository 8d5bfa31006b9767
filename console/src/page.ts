import type { PresenceClient } from "@viewer-presence/client";
import type { Role } from "./session-key";

/** What every page is given. */
export interface PageContext {
  client: PresenceClient;
  role: Role;
  /** Shows a failure in the page's alert banner (or clears it with `undefined`). */
  report(error: unknown): void;
}

/** A page of the console: its element, and what to stop (timers) when leaving it. */
export interface Page {
  title: string;
  element: HTMLElement;
  dispose(): void;
}

/**
 * Runs `task` now and then again `everyMs` after each run ends (a function: read anew each
 * time), skipping ticks while the tab is hidden (a console left in a background tab costs no
 * requests) and catching up as soon as it is shown again. Returns the function that stops it.
 */
export function poll(task: () => Promise<void>, everyMs: number | (() => number)): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let running = false;
  const interval = () => (typeof everyMs === "function" ? everyMs() : everyMs);
  const tick = () => {
    clearTimeout(timer);
    if (stopped || running) return;
    if (document.hidden) return; // resumed by visibilitychange
    running = true;
    void task().finally(() => {
      running = false;
      if (!stopped) timer = setTimeout(tick, interval());
    });
  };
  const onVisible = () => {
    if (!document.hidden) tick();
  };
  document.addEventListener("visibilitychange", onVisible);
  tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener("visibilitychange", onVisible);
  };
}
