/**
 * How many viewers one Upstash database carries at a command-rate limit, in the model's own
 * terms: the audience's peak, the heartbeats a tab sends per interval (the client's jitter), the
 * tabs a viewer has, the commands each heartbeat costs, and the top of the hour, which every
 * hour brings (TOP_OF_THE_HOUR in measured.ts). Leaves and the sync job add under 1 %.
 */
import { TOP_OF_THE_HOUR } from "./measured";
import type { Workload } from "./workload";

/**
 * Viewers (on average while live) whose peak, in an hour's first interval, fits
 * `commandsPerSec` in one database: e.g. about 92,000 at 10,000 commands/s with the measured
 * inputs (1.5 peak, 1 tab, 1.064 heartbeats a tab per 30 s, 1.67 commands each, 1.23x at the
 * top of the hour; 113,000 in an average minute). `topOfTheHour`: that factor (1 for an
 * average minute).
 */
export function viewersPerDatabase(
  w: Workload,
  commandsPerSec: number,
  topOfTheHour: number = TOP_OF_THE_HOUR.commandRateFactor,
): number {
  const commandsPerViewerPerSec =
    (w.tabsPerViewer * w.heartbeatsPerTabInterval * w.redisCommandsPerHeartbeat) /
    w.heartbeatIntervalSec;
  return commandsPerSec / (commandsPerViewerPerSec * w.peakToAverage * topOfTheHour);
}

/**
 * Databases of `commandsPerSec` each that carry `viewers` (on average while live) at their
 * peak, top of the hour included: e.g. 10,000,000 viewers need 110 at 10,000 commands/s with
 * the inputs above (69 at 16,000; before the next-hour index, the hour's first heartbeat cost
 * 5.02 commands: about 170 at 16,000 commands/s). MAX_REDIS_DATABASES (shared/config.ts) is
 * sized from this.
 */
export function databasesFor(w: Workload, commandsPerSec: number): number {
  return Math.max(1, Math.ceil(w.viewers / viewersPerDatabase(w, commandsPerSec)));
}
