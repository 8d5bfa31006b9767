/**
 * The lines a real bill has (issue 18): Workers Logs as wrangler.toml configures them, the
 * audience's shape (hours live a day, its peak), leaves and token requests, DynamoDB's per-item
 * overhead, and the options a production deployment adds (Prod Pack, point-in-time recovery,
 * invocation logs).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { estimateMonthlyCost } from "./estimate";
import { measuredWorkload } from "./measured";
import { CURRENT_CATALOGUE } from "./prices";
import { monthlyUsage, snapshotWrites } from "./usage";
import type { Workload } from "./workload";

const fixed = (w: Partial<Workload> = {}) =>
  estimateMonthlyCost(measuredWorkload({ viewers: 10_000, ...w }), "redis-snapshots-fixed");
const option = (e: ReturnType<typeof fixed>, name: string) =>
  e.options.find((o) => o.name.startsWith(name));
const RUNS = (730 * 3600) / 300;

describe("Workers Logs, as wrangler.toml configures them", () => {
  it("has invocation logs off in wrangler.toml, and off in the model's default", () => {
    const toml = readFileSync(new URL("../wrangler.toml", import.meta.url), "utf8");
    // The section's lines: from its header to the next header.
    const logs = toml.split("[observability.logs]\n")[1]?.split(/\n\[/)[0] ?? "";
    expect(/^enabled = true$/m.test(logs)).toBe(true);
    expect(/^invocation_logs = false$/m.test(logs)).toBe(true);
    expect(measuredWorkload().invocationLogSampling).toBe(0);
  });

  it("logs the sync job's line a run and database, far inside the included 50 GB", () => {
    const e = fixed();
    expect(e.counts.logEvents).toBeCloseTo(RUNS, 6);
    expect(e.counts.logIngestGb).toBeCloseTo((RUNS * 4840) / 1e9, 9);
    expect(e.tiers.logs).toBe(0);
  });

  it("prices invocation logs at head_sampling_rate 1 as an option: GB ingested and kept 7 days", () => {
    const e = fixed();
    const gb = ((e.counts.workerRequests + RUNS) * 4840) / 1e9;
    // Kept 7 days: 7 / 30 of a month's ingestion is stored, as GB-months.
    const expected = (gb - 50) * 0.25 + ((gb * 7) / 30 - 12) * 0.1;
    expect(option(e, "Workers invocation logs")?.monthlyUsd).toBeCloseTo(expected, 6);
    expect(expected).toBeGreaterThan(1_000);
    expect(e.total).toBeLessThan(500);
  });

  it("bills a sampled share of invocations when they are on", () => {
    const sampled = fixed({ invocationLogSampling: 0.5 });
    expect(sampled.counts.logEvents).toBeCloseTo(0.5 * sampled.counts.workerRequests + RUNS, 3);
    expect(sampled.tiers.logs).toBeGreaterThan(400);
  });
});

describe("the audience's shape: hours live a day, and its peak", () => {
  it("scales heartbeats and sync work with the hours live, and sizes the plan for the same peak", () => {
    const allDay = monthlyUsage(measuredWorkload({ viewers: 10_000 }));
    const show = monthlyUsage(measuredWorkload({ viewers: 10_000, hoursLivePerDay: 2 }));
    expect(show.heartbeats).toBeCloseTo(allDay.heartbeats / 12, 3);
    expect(show.liveSyncRuns).toBeCloseTo(allDay.syncRuns / 12, 6);
    // The cron still fires all day; the peak rate and the memory held at it are the same.
    expect(show.syncRuns).toBe(allDay.syncRuns);
    expect(show.heartbeatsPerSec).toBeCloseTo(allDay.heartbeatsPerSec, 9);
    expect(show.redisDataBytes).toBe(allDay.redisDataBytes);
    const e = fixed({ hoursLivePerDay: 2 });
    expect(e.counts.redisPeakCommandsPerSec).toBeCloseTo(fixed().counts.redisPeakCommandsPerSec, 0);
    expect(e.total).toBeLessThan(fixed().total / 6);
  });

  it("holds memory and command rate for the peak, not the average", () => {
    const steady = fixed({ peakToAverage: 1 });
    const peaky = fixed({ peakToAverage: 3 });
    expect(peaky.counts.redisDataMb).toBeCloseTo(3 * steady.counts.redisDataMb, 9);
    expect(peaky.counts.redisPeakCommandsPerSec).toBeCloseTo(
      3 * steady.counts.redisPeakCommandsPerSec,
      6,
    );
    expect(peaky.counts.heartbeats).toBe(steady.counts.heartbeats);
  });

  it("rejects hours outside a day", () => {
    expect(() => measuredWorkload({ hoursLivePerDay: 25 })).toThrow(/hoursLivePerDay/);
    expect(() => measuredWorkload({ hoursLivePerDay: 0 })).toThrow(/hoursLivePerDay/);
  });
});

describe("leaves and token requests", () => {
  it("makes a Worker request and a Redis script of every leave, one a session", () => {
    const hour = monthlyUsage(measuredWorkload({ viewers: 10_000 }));
    const half = monthlyUsage(measuredWorkload({ viewers: 10_000, sessionMinutes: 30 }));
    expect(hour.leaves).toBeCloseTo(10_000 * 730, 6);
    expect(half.leaves).toBeCloseTo(2 * hour.leaves, 6);
    // Each tab runs its own loop, so each sends its own leave.
    const twoTabs = monthlyUsage(measuredWorkload({ viewers: 10_000, tabsPerViewer: 2 }));
    expect(twoTabs.leaves).toBeCloseTo(2 * hour.leaves, 6);
    expect(hour.leaveCommands).toBeCloseTo(7 * hour.leaves, 6);
    const e = fixed();
    const cron = RUNS;
    const polls = (730 * 3600) / 10;
    expect(e.counts.workerRequests).toBeCloseTo(
      e.counts.heartbeats + hour.leaves + cron + polls,
      3,
    );
  });

  it("makes an anonymous viewer's token a Worker request when it starts and every 9 minutes", () => {
    const usage = monthlyUsage(measuredWorkload({ viewers: 10_000, anonymousViewerShare: 1 }));
    // An hour-long session: at 0, 9, 18, 27, 36, 45 and 54 minutes.
    expect(usage.tokenRequests).toBeCloseTo(7 * usage.sessions, 6);
    const anonymous = fixed({ anonymousViewerShare: 1 });
    expect(anonymous.counts.workerRequests - fixed().counts.workerRequests).toBeCloseTo(
      usage.tokenRequests,
      3,
    );
  });
});

describe("DynamoDB's storage overhead and point-in-time recovery", () => {
  it("bills 100 B on top of every stored item", () => {
    const w = measuredWorkload({ viewers: 10_000 });
    const u = monthlyUsage(w);
    const bare = {
      ...CURRENT_CATALOGUE.dynamodb,
      storageOverheadBytesPerItem: {
        ...CURRENT_CATALOGUE.dynamodb.storageOverheadBytesPerItem,
        value: 0,
      },
    };
    const billed = snapshotWrites(w, u, CURRENT_CATALOGUE.dynamodb).storedBytes;
    const raw = snapshotWrites(w, u, bare).storedBytes;
    // Snapshots within 30 days, and viewing records, rollups and day totals of 12 months.
    const items =
      30 * 288 * w.stages +
      u.liveSyncRuns * u.viewingItemsPerRun * 12 +
      w.stages * (730 + 730 / 24) * 12 +
      w.viewers * (730 / 24) * 12;
    expect(billed - raw).toBeCloseTo(items * 100, 0);
  });

  it("prices point-in-time recovery on the table's size, and the Prod Pack a database, as options", () => {
    const e = fixed();
    expect(option(e, "DynamoDB point-in-time recovery")?.monthlyUsd).toBeCloseTo(
      e.counts.dynamoStorageGb * 0.2,
      9,
    );
    expect(option(e, "Upstash Prod Pack")?.monthlyUsd).toBe(200);
    // Options stay out of the total.
    const tiers = Object.values(e.tiers).reduce((a, b) => a + b, 0);
    expect(e.total).toBeCloseTo(tiers, 9);
  });
});
