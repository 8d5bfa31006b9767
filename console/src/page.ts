import type { PresenceClient } from "../../openapi/client";
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
 * Runs `task` now and every `everyMs`, skipping ticks while the tab is hidden (a console left
 * in a background tab costs no requests) and catching up as soon as it is shown again.
 * Returns the function that stops it.
 */
export function poll(task: () => Promise<void>, everyMs: number): () => void {
  let running = false;
  const tick = () => {
    if (running || document.hidden) return;
    running = true;
    void task().finally(() => {
      running = false;
    });
  };
  const timer = setInterval(tick, everyMs);
  const onVisible = () => {
    if (!document.hidden) tick();
  };
  document.addEventListener("visibilitychange", onVisible);
  tick();
  return () => {
    clearInterval(timer);
    document.removeEventListener("visibilitychange", onVisible);
  };
}
