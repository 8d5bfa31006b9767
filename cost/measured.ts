/**
 * The model's inputs as this system was measured on the local stack, each with the command that
 * produced it and the day it ran (figures and method in BENCHMARKS.md). The calibration's figures
 * are the medians of three runs of `npm run cost:calibrate` on 2026-12-07 (10:51, 10:52 and 10:53
 * UTC, after a due count came to look at the shared count first), rounded; each run's value is in
 * `how`. CPU is noisy on a shared machine (load average 1.3 to 3.2 on its 2 cores during these
 * runs, 10 to 17 during the morning's at 06:28 to 06:31). The command line and the API's
 * estimateCost price these unless told otherwise; `defaultWorkload` keeps the round assumptions
 * (2 commands, 300 B, 1 ms, one heartbeat per interval), which the calibration prints beside them.
 */
import { defaultWorkload, type Workload } from "./workload";

export interface Measurement {
  value: number;
  /** The command that prints it. */
  command: string;
  measuredOn: string;
  /** What exactly was measured, and what it leaves out. */
  how: string;
}

const CALIBRATE = "npm run cost:calibrate";

/** Each measured input of the model. */
export const MEASUREMENTS = {
  redisCommandsPerHeartbeat: {
    value: 1.67,
    command: CALIBRATE,
    measuredOn: "2026-12-07",
    how: "Billed commands per heartbeat: 1,000 viewers (1,200 tabs) arrive over the first 30 s on 10 stages and beat for 10 minutes; every page's first heartbeat is inside it (about 13 commands since a page's first answer counts the viewer itself, and a count is shared between isolates with one SET more; 1.32 on 2026-11-30 before both). A due count now looks at the shared count first (SHARED_COUNT_SCRIPT): EVALSHA + GET when another isolate counted the stage in the last 10 s, one GET more when it counts; the calibration's one app counts every stage itself, so it pays the GET (1.65 at 06:28 to 06:31 before it). Runs: 1.674, 1.674, 1.674.",
  },
  redisBytesPerHeartbeat: {
    value: 114,
    command: CALIBRATE,
    measuredOn: "2026-12-07",
    how: "Request plus response body bytes per heartbeat at the Upstash-compatible endpoint. Runs: 114.3, 114.3, 114.3 (114.8, 114.8, 114.9 at 06:28 to 06:31, before a due count looked at the shared count first).",
  },
  redisHeaderBytesPerHeartbeat: {
    value: 530,
    command: CALIBRATE,
    measuredOn: "2026-12-07",
    how: "HTTP/1.1 header bytes both ways per heartbeat (wire bytes minus bodies) between @upstash/redis and the local endpoint: 379 B in its requests, 151 B in the endpoint's responses (Node's defaults, not Upstash's); production's TLS, HTTP/2 and the headers Cloudflare and Upstash add are not in it. Runs: 530.1, 530.0, 530.1.",
  },
  heartbeatsPerTabInterval: {
    value: 1.064,
    command: CALIBRATE,
    measuredOn: "2026-12-07",
    how: "The interval divided by the mean gap between a tab's heartbeats (the typed client's jitter), in virtual time. Runs: 1.064, 1.064, 1.064.",
  },
  workerCpuMsPerHeartbeat: {
    value: 1.03,
    command: CALIBRATE,
    measuredOn: "2026-12-07",
    how: "Process CPU per steady heartbeat through the app in-process (Node, the stack in another process), median of 10 rounds of 200, alternating with a bare Hono route that sends the same BITFIELD (medians 0.63, 0.53, 0.66 ms; the app's own work 0.42, 0.57, 0.52 ms above it). Node's fetch client is counted; workerd does that I/O outside the isolate, so this is an upper bound for a Worker. Runs: 1.03, 1.03, 1.17 ms (0.84, 0.99, 1.11 ms at 06:28 to 06:31, at load 10 to 17: CPU per call is noise-prone here).",
  },
  workerCpuMsPerSyncedViewer: {
    value: 0.11,
    command: CALIBRATE,
    measuredOn: "2026-12-07",
    how: "Process CPU of runSync per viewer synced, 10 stages of 100 viewers (the stack in another process), two runs each. Runs: 108, 110, 139 µs a viewer (216, 220, 277 ms for two runs of 1,000 viewers; 102, 132, 102 µs at 06:28 to 06:31). Large stages cost less a viewer (30 to 47 µs, `npx tsx test/bench/sync-bench.ts`).",
  },
  syncCommandsPerStagePerRun: {
    value: 21.7,
    command: CALIBRATE,
    measuredOn: "2026-12-07",
    how: "Commands of a sync run per stage of 100 viewers (the job's fixed commands folded in). Runs: 21.70, 21.70, 21.70 (21.65 at 06:28 to 06:31: one command more over the job's two runs of 10 stages, not traced to a change).",
  },
  syncBytesPerViewerPerRun: {
    value: 75,
    command: CALIBRATE,
    measuredOn: "2026-12-07",
    how: "Request plus response body bytes of a sync run per viewer synced, 100 viewers a stage (a 10,000-viewer stage: 50 B, sync-bench.ts). Runs: 74.8, 74.8, 74.8.",
  },
  viewingRecordPackingFactor: {
    value: 33,
    command: CALIBRATE,
    measuredOn: "2026-12-07",
    how: "Viewing records per packed DynamoDB item (at most 1 KB). Runs: 33, 33, 33.",
  },
  redisBytesPerViewer: {
    value: 186,
    command: "npx tsx test/bench/redis-memory.ts",
    measuredOn: "2026-11-30",
    how: "used_memory above empty per present viewer: the hour's index with country and device, a closed window awaiting sync and the open one (slot bitmaps).",
  },
} as const satisfies Partial<Record<keyof Workload, Measurement>>;

/**
 * A heartbeat in the steady state, once every tab has its ticket (hour-long sessions come close
 * to it): `npx tsx test/bench/heartbeat-bench.ts` (the first part of `npm run bench`),
 * in-process app, 5 stages of 200 viewers, rounds 2-10 (BENCHMARKS.md, "The command budget in
 * commands, and the calibration again"), 2026-12-07 06:36 UTC: 1.035 (1.027 on 2026-11-30, before
 * a count was shared between isolates with one SET more); 11:10 UTC: 1.039 (a due count now
 * looks at the shared count first, one GET more per count; BENCHMARKS.md, "One isolate counts"). The calibration's 1.67 commands and
 * 114 B carry every page's first heartbeat in a 10-minute session; where a real audience sits
 * between them is one of the things a cost range moves with (range.ts).
 */
export const STEADY_STATE_HEARTBEAT = {
  redisCommandsPerHeartbeat: 1.039,
  /** 60.4 B of requests and 16.5 B of responses. */
  redisBytesPerHeartbeat: 77,
  command: "npx tsx test/bench/heartbeat-bench.ts",
  measuredOn: "2026-12-07",
} as const;

/**
 * The top of the hour: the commands per second a database serves in an hour's first 30 s, over
 * the minute before. Every ticket names its hour's index; a viewer gets the next hour's late in
 * the hour, but each isolate still checks the new hour's list once per stage and counts two
 * hours' bitmaps for one presence TTL. A database must carry that every hour, so its viewer
 * capacity and the plans' peak command rate are sized at it (capacity.ts, hot-tier.ts). Measured
 * in real time on 4 `wrangler dev` isolates, 200 viewers (40 a stage) joining after :57
 * (BENCHMARKS.md, "Across an hour boundary, real time"): 1.23x (16.8 against 13.6 commands/s;
 * 2.84x before the next-hour index). On an injected clock, one app, 200 viewers a stage, the
 * 13:00 minute came to 1.02x the average minute (`npx tsx test/bench/hour-bench.ts --viewers 1000
 * --stages 5`): the larger, real-time figure sizes databases. The same real-time run again at
 * 10:58 on 2026-12-07, after one isolate came to count a stage for all (shared-count.ts): 1.08x
 * (13.5 against 12.5 commands/s). One run each at one shape; the larger is kept. One home, here.
 */
export const TOP_OF_THE_HOUR = {
  commandRateFactor: 1.23,
  command:
    "npx tsx test/bench/isolates-bench.ts --isolates 4 --stages 5 --viewers-per-stage 40 --duration 330 --start-at HH:58:00",
  measuredOn: "2026-12-07",
} as const;

/** The measured inputs as workload overrides. */
export function measuredInputs(): Partial<Workload> {
  const inputs: Partial<Workload> = Object.fromEntries(
    Object.entries(MEASUREMENTS).map(([field, m]) => [field, m.value]),
  );
  // The fixed part of a sync run is folded into the per-stage figure.
  inputs.syncCommandsPerRun = 0;
  // The model checks that packing fits 1 KB from a record's size: the largest that does.
  inputs.viewingRecordBytes = Math.floor(
    (1024 - 100) / MEASUREMENTS.viewingRecordPackingFactor.value,
  );
  return inputs;
}

/** A workload of this system as measured, with `overrides` on top (undefined ones ignored). */
export function measuredWorkload(overrides: Partial<Workload> = {}): Workload {
  const given = Object.fromEntries(
    Object.entries(overrides).filter(([, value]) => value !== undefined),
  ) as Partial<Workload>;
  return defaultWorkload({ ...measuredInputs(), ...given });
}

/** Commands and bytes per heartbeat as measured (kept for callers of the older name). */
export const MEASURED_HEARTBEAT = {
  redisCommandsPerHeartbeat: MEASUREMENTS.redisCommandsPerHeartbeat.value,
  redisBytesPerHeartbeat: MEASUREMENTS.redisBytesPerHeartbeat.value,
  measuredOn: MEASUREMENTS.redisCommandsPerHeartbeat.measuredOn,
  command: CALIBRATE,
} as const;
