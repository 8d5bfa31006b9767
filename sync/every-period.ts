/** The period of `npm run sync -- --every <period>`: how often the Node CLI runs the sync job. */
/** Shortest and longest period `--every` accepts, in ms. */
export const MIN_INTERVAL_MS = 1000;
export const MAX_INTERVAL_MS = 86_400_000;

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;

/** Thrown for a period that is not a whole number of s, m or h within the allowed range. */
export class IntervalError extends Error {
  override readonly name = "IntervalError";
  readonly code = "invalid_interval";
}

/**
 * Reads a period such as `30s`, `5m` or `1h` (a whole number and one unit), in ms. Anything else
 * (`5`, `1.5m`, `5min`, `0s`, more than a day) throws {@link IntervalError} naming the forms.
 */
export function parseInterval(text: string): number {
  const match = /^(\d+)([smh])$/.exec(text.trim());
  if (match === null) {
    throw new IntervalError(
      `"${text}" is not a period: use a whole number followed by s, m or h (30s, 5m, 1h)`,
    );
  }
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (ms < MIN_INTERVAL_MS || ms > MAX_INTERVAL_MS) {
    throw new IntervalError(`"${text}" is out of range: the period must be from 1s to 24h`);
  }
  return ms;
}
