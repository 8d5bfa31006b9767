/**
 * How many viewers one Upstash database carries at a command-rate limit, in the model's own
 * terms: the audience's peak, the heartbeats a tab sends per interval (the client's jitter), the
 * tabs a viewer has and the commands each heartbeat costs. Leaves and the sync job add under 1 %.
 */
import type { Workload } from "./workload.js";
/**
 * Viewers (on average while live) whose peak fits `commandsPerSec` in one database: e.g. about
 * 142,000 at 10,000 commands/s with the measured inputs (1.5 peak, 1.064 heartbeats a tab per
 * 30 s, 1.32 commands each).
 */
export declare function viewersPerDatabase(w: Workload, commandsPerSec: number): number;
/**
 * Databases of `commandsPerSec` each that carry `viewers` (on average while live) at their
 * peak: e.g. 10,000,000 viewers need 71 at 10,000 commands/s with the inputs above, and about
 * 170 at 16,000 commands/s in the first interval of an hour (5.02 commands a heartbeat).
 * MAX_REDIS_DATABASES (shared/config.ts) is sized from this.
 */
export declare function databasesFor(w: Workload, commandsPerSec: number): number;
