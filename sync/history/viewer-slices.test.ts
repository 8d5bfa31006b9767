import { describe, expect, it } from "vitest";
import { inViewerSlices, TooManyViewers, viewerHash } from "./viewer-slices";

const viewers = Array.from({ length: 1000 }, (_, i) => `viewer-${i}`);

/** A pass that counts the distinct viewers of its slice, as the sync job's passes do. */
const countPass = (passes: number[]) => async (inSlice: (id: string) => boolean, max: number) => {
  const seen = new Set<string>();
  for (const viewer of [...viewers, ...viewers]) {
    if (!inSlice(viewer)) continue;
    seen.add(viewer);
    if (seen.size > max) throw new TooManyViewers();
  }
  passes.push(seen.size);
  return seen.size;
};

describe("inViewerSlices", () => {
  it("sums in one pass when the viewers fit", async () => {
    const passes: number[] = [];
    expect(await inViewerSlices(countPass(passes), 1000)).toEqual([1000]);
    expect(passes).toEqual([1000]);
  });

  it("splits into 4, then 16 slices when they do not, each viewer in exactly one slice", async () => {
    const passes: number[] = [];
    const counts = await inViewerSlices(countPass(passes), 100);
    expect(counts).toHaveLength(16);
    expect(counts.reduce((sum, n) => sum + n, 0)).toBe(1000);
    expect(Math.max(...counts)).toBeLessThanOrEqual(100);
  });

  it("rethrows any other failure", async () => {
    await expect(
      inViewerSlices(async () => {
        throw new Error("DynamoDB down");
      }),
    ).rejects.toThrow("DynamoDB down");
  });

  it("hashes ids to spread them", () => {
    const buckets = new Array<number>(4).fill(0);
    for (const viewer of viewers) buckets[viewerHash(viewer) % 4]! += 1;
    for (const size of buckets) expect(size).toBeGreaterThan(200);
  });
});
