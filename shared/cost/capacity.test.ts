import { describe, expect, it } from "vitest";
import { MAX_REDIS_DATABASES } from "../config";
import { MAX_STAGE_DATABASES } from "../stage";
import { databasesFor, viewersPerDatabase } from "./capacity";
import { measuredWorkload } from "./measured";
import { UPSTASH_FIXED_PLANS } from "./prices";
import { MAX_DATABASES } from "./upstash-plans";

/**
 * Issue 22's projection for 10,000,000 viewers, from the commands a heartbeat measured on
 * `npm start` (the issue's table): 1.017 with many heartbeats of a stage in one isolate, 2.264
 * at 10 viewers a stage, 5.018 for a viewer's first heartbeat of the hour.
 */
const TEN_MILLION = 10_000_000;
const STEADY = [1.017, 2.264] as const;
const TOP_OF_THE_HOUR = 5.018;
const largestPlanRate = Math.max(...UPSTASH_FIXED_PLANS.map((p) => p.maxCommandsPerSec.value));

const databases = (commandsPerHeartbeat: number, commandsPerSec: number) =>
  databasesFor(
    measuredWorkload({ viewers: TEN_MILLION, redisCommandsPerHeartbeat: commandsPerHeartbeat }),
    commandsPerSec,
  );

describe("database capacity and the configuration's limit", () => {
  it("the cost model's limit is the configuration's", () => {
    expect(MAX_DATABASES).toBe(MAX_REDIS_DATABASES);
    expect(MAX_STAGE_DATABASES).toBeLessThanOrEqual(MAX_REDIS_DATABASES);
  });

  it("10,000,000 viewers fit the configured databases at steady rates and at the top of the hour", () => {
    expect(largestPlanRate).toBe(16_000);
    for (const commands of STEADY) {
      expect(databases(commands, 10_000)).toBeLessThanOrEqual(MAX_REDIS_DATABASES);
    }
    // About 170 (the issue's figure) on the largest plans' 16,000 commands/s.
    const topOfTheHour = databases(TOP_OF_THE_HOUR, largestPlanRate);
    expect(topOfTheHour).toBeGreaterThan(160);
    expect(topOfTheHour).toBeLessThanOrEqual(MAX_REDIS_DATABASES);
  });

  it("databasesFor is the audience over what one database carries, rounded up", () => {
    const w = measuredWorkload({ viewers: 1_000_000 });
    const perDatabase = viewersPerDatabase(w, 10_000);
    expect(databasesFor(w, 10_000)).toBe(Math.ceil(1_000_000 / perDatabase));
    expect(databasesFor(measuredWorkload({ viewers: 10 }), 10_000)).toBe(1);
  });
});
