/**
 * Sums that need every viewer id of a broadcast or a stage-day at once (distinct viewers, each
 * viewer's total) in bounded memory: the viewers are split into slices by a hash of their id,
 * and each slice is summed in a pass of its own over the records.
 */

/** Most distinct viewers a pass holds (about 100 B each in a Map or Set: some 20 MB). */
export const MAX_VIEWERS_PER_PASS = 200_000;

/** Thrown by a pass that met more than its share of viewers: the work is redone in more slices. */
export class TooManyViewers extends Error {
  override readonly name = "TooManyViewers";
}

/** FNV-1a, 32 bits: a cheap, well-spread hash of a viewer id. */
export function viewerHash(viewerId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < viewerId.length; i++) {
    hash ^= viewerId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Runs `pass` once per slice and returns what each returned: first over all viewers in one
 * slice; when a pass throws {@link TooManyViewers} (it holds more than `maxViewers`), what was
 * gathered is dropped and the work starts again in 4 times as many slices. A pass must be safe
 * to repeat (its writes put whole values), since a slice may be read again.
 */
export async function inViewerSlices<T>(
  pass: (inSlice: (viewerId: string) => boolean, maxViewers: number) => Promise<T>,
  maxViewers = MAX_VIEWERS_PER_PASS,
): Promise<T[]> {
  for (let slices = 1; ; slices *= 4) {
    try {
      const results: T[] = [];
      for (let slice = 0; slice < slices; slice++) {
        const inSlice = (viewerId: string) =>
          slices === 1 || viewerHash(viewerId) % slices === slice;
        results.push(await pass(inSlice, maxViewers));
      }
      return results;
    } catch (error) {
      if (!(error instanceof TooManyViewers) || slices >= 1 << 20) throw error;
    }
  }
}
