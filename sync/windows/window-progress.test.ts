import { CONCURRENCY_SLOTS } from "@viewer-presence/shared/windows";
import { describe, expect, it } from "vitest";
import { parseProgress, progressFields, type WindowProgress } from "./window-progress";

/** A progress hash as HGETALL answers it: `[field, value, ...]`. */
const asReply = (fields: Record<string, string | number>) =>
  Object.entries(fields).flatMap(([field, value]) => [field, String(value)]);

describe("window progress", () => {
  const totals = {
    uniqueViewers: 3,
    watchSeconds: 600,
    slotViewers: Array.from({ length: CONCURRENCY_SLOTS }, (_, i) => i % 3),
    countries: { DE: [2, 400] as [number, number], unknown: [1, 200] as [number, number] },
    devices: { mobile: [3, 600] as [number, number] },
  };

  it("reads back what it saved, with the part of a spread stage's window", () => {
    const progress: WindowProgress = { next: 4096, source: 2, part: 7, totals };
    expect(parseProgress(asReply(progressFields(progress)))).toEqual(progress);
  });

  it("reads progress saved before spread stages as the first source", () => {
    const saved = progressFields({ next: 12, part: 1, totals });
    expect(saved).not.toHaveProperty("src");
    expect(parseProgress(asReply(saved))).toMatchObject({ next: 12, source: 0, part: 1 });
  });

  it("has none for an empty hash", () => {
    expect(parseProgress([])).toBeUndefined();
  });
});
