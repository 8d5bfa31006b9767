import { coveredSeconds, type Slot, slotAt, windowIndex } from "@viewer-presence/shared/windows";

/** When a viewer's page held an open socket (epoch ms; `toMs` unset while it is open). */
export interface OpenSpan {
  fromMs: number;
  toMs?: number;
}

/**
 * The watch time a socket's open spans allow in one window: every slot of `intervalSec` they
 * touch (sampled each second), from `sinceMs` on (the moment a loss wiped what came before)
 * and up to `endMs` for a span still open. What a shard may credit, and at most one slot more
 * than it must (a slot is written once, just after it starts).
 */
export function openSeconds(
  spans: readonly OpenSpan[],
  window: number,
  endMs: number,
  intervalSec: number,
  sinceMs = Number.NEGATIVE_INFINITY,
): number {
  const slots: Slot[] = [];
  for (const span of spans) {
    for (let at = Math.max(span.fromMs, sinceMs); at <= (span.toMs ?? endMs); at += 1_000) {
      if (windowIndex(at) === window) slots.push(slotAt(at, intervalSec));
    }
  }
  return coveredSeconds(slots);
}
