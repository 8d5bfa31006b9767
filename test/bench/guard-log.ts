/**
 * The Redis guards' once-per-interval summary lines (edge/redis-guard.ts), read from a worker's
 * output (wrangler dev's stdout and stderr) and summed per database, so a bench can say what
 * the guards refused or saw miss their deadline without asking the worker.
 */
import { Writable } from "node:stream";

/** What the guards of one worker logged for one database, summed over their summary lines. */
export interface GuardLogSum {
  missed: number;
  failed: number;
  refused: number;
  opened: number;
}

const SUMMARY =
  /redis unavailable database (\d+): \d+ calls failed in [\d.]+ s \((\d+) missed the deadline, (\d+) failed, (\d+) refused unsent\); breaker opened (\d+) times/;

/** A stream that reads a worker's output for the guards' summary lines and sums them `into`. */
export function guardLogReader(into: Map<number, GuardLogSum>): Writable {
  let rest = "";
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      const lines = (rest + chunk.toString("utf8")).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) {
        const match = SUMMARY.exec(line);
        if (match === null) continue;
        const [, database, missed, failed, refused, opened] = match.map(Number);
        const sum = into.get(database!) ?? { missed: 0, failed: 0, refused: 0, opened: 0 };
        sum.missed += missed!;
        sum.failed += failed!;
        sum.refused += refused!;
        sum.opened += opened!;
        into.set(database!, sum);
      }
      done();
    },
  });
}
