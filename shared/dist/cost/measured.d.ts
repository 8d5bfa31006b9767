/**
 * The model's inputs as this system was measured on the local stack, each with the command that
 * produced it and the day it ran (figures and method in BENCHMARKS.md). The calibration's figures
 * are the medians of three runs of `npm run cost:calibrate` on 2026-11-30 (05:59, 06:04 and 06:09
 * UTC), rounded; each run's value is in `how` where runs differ. CPU is noisy on a shared machine. The command line and the
 * API's estimateCost price these unless told otherwise; `defaultWorkload` keeps the round
 * assumptions (2 commands, 300 B, 1 ms, one heartbeat per interval), which the calibration
 * prints beside them.
 */
import { type Workload } from "./workload.js";
export interface Measurement {
    value: number;
    /** The command that prints it. */
    command: string;
    measuredOn: string;
    /** What exactly was measured, and what it leaves out. */
    how: string;
}
/** Each measured input of the model. */
export declare const MEASUREMENTS: {
    readonly redisCommandsPerHeartbeat: {
        readonly value: 1.32;
        readonly command: "npm run cost:calibrate";
        readonly measuredOn: "2026-11-30";
        readonly how: "Billed commands per heartbeat: 1,000 viewers (1,200 tabs) join 10 stages and beat for 10 minutes; every viewer's joining is inside it (steady state 1.027, `npm run bench`). Runs: 1.322, 1.282, 1.323 (the order concurrent count refreshes land in varies).";
    };
    readonly redisBytesPerHeartbeat: {
        readonly value: 105;
        readonly command: "npm run cost:calibrate";
        readonly measuredOn: "2026-11-30";
        readonly how: "Request plus response body bytes per heartbeat at the Upstash-compatible endpoint. Runs: 105.2, 100.9, 105.4.";
    };
    readonly redisHeaderBytesPerHeartbeat: {
        readonly value: 544;
        readonly command: "npm run cost:calibrate";
        readonly measuredOn: "2026-11-30";
        readonly how: "HTTP/1.1 header bytes both ways per heartbeat (wire bytes minus bodies) between @upstash/redis and the local endpoint: 389 B in its requests, 155 B in the endpoint's responses (Node's defaults, not Upstash's); production's TLS, HTTP/2 and the headers Cloudflare and Upstash add are not in it.";
    };
    readonly heartbeatsPerTabInterval: {
        readonly value: 1.064;
        readonly command: "npm run cost:calibrate";
        readonly measuredOn: "2026-11-30";
        readonly how: "The interval divided by the mean gap between a tab's heartbeats (the typed client's jitter), in virtual time.";
    };
    readonly workerCpuMsPerHeartbeat: {
        readonly value: 1.26;
        readonly command: "npm run cost:calibrate";
        readonly measuredOn: "2026-11-30";
        readonly how: "Process CPU per steady heartbeat through the app in-process (Node, the stack in another process), median of 10 rounds of 200, alternating with a bare Hono route that sends the same BITFIELD (medians 0.76, 0.61, 0.69 ms; the app's own work 0.58, 0.34, 0.68 ms above it). Node's fetch client is counted; workerd does that I/O outside the isolate, so this is an upper bound for a Worker. Runs: 1.27, 0.94, 1.26 ms.";
    };
    readonly workerCpuMsPerSyncedViewer: {
        readonly value: 0.116;
        readonly command: "npm run cost:calibrate";
        readonly measuredOn: "2026-11-30";
        readonly how: "Process CPU of runSync per viewer synced, 10 stages of 100 viewers (the stack in another process), two runs each. Runs: 116, 91, 216 µs a viewer (115, 91, 216 ms a run of 1,000 viewers). Large stages cost less a viewer (30 to 47 µs, `npx tsx test/bench/sync-bench.ts`).";
    };
    readonly syncCommandsPerStagePerRun: {
        readonly value: 21.25;
        readonly command: "npm run cost:calibrate";
        readonly measuredOn: "2026-11-30";
        readonly how: "Commands of a sync run per stage of 100 viewers (the job's fixed commands folded in).";
    };
    readonly syncBytesPerViewerPerRun: {
        readonly value: 73;
        readonly command: "npm run cost:calibrate";
        readonly measuredOn: "2026-11-30";
        readonly how: "Request plus response body bytes of a sync run per viewer synced, 100 viewers a stage (a 10,000-viewer stage: 50 B, sync-bench.ts).";
    };
    readonly viewingRecordPackingFactor: {
        readonly value: 33;
        readonly command: "npm run cost:calibrate";
        readonly measuredOn: "2026-11-30";
        readonly how: "Viewing records per packed DynamoDB item (at most 1 KB).";
    };
    readonly redisBytesPerViewer: {
        readonly value: 186;
        readonly command: "npx tsx test/bench/redis-memory.ts";
        readonly measuredOn: "2026-11-30";
        readonly how: "used_memory above empty per present viewer: the hour's index with country and device, a closed window awaiting sync and the open one (slot bitmaps).";
    };
};
/**
 * A heartbeat in the steady state, once every tab has its ticket (hour-long sessions come close
 * to it): `npm run bench`, in-process app, rounds 2-10 (BENCHMARKS.md, "What a heartbeat costs
 * at Upstash"), 2026-11-30 03:58 UTC. The calibration's 1.32 commands and 105 B carry every
 * viewer's joining in a 10-minute session; where a real audience sits between them is one of
 * the things a cost range moves with (range.ts).
 */
export declare const STEADY_STATE_HEARTBEAT: {
    readonly redisCommandsPerHeartbeat: 1.027;
    /** 60.2 B of requests and 16.2 B of responses. */
    readonly redisBytesPerHeartbeat: 76;
    readonly command: "npm run bench";
    readonly measuredOn: "2026-11-30";
};
/** The measured inputs as workload overrides. */
export declare function measuredInputs(): Partial<Workload>;
/** A workload of this system as measured, with `overrides` on top (undefined ones ignored). */
export declare function measuredWorkload(overrides?: Partial<Workload>): Workload;
/** Commands and bytes per heartbeat as measured (kept for callers of the older name). */
export declare const MEASURED_HEARTBEAT: {
    readonly redisCommandsPerHeartbeat: 1.32;
    readonly redisBytesPerHeartbeat: 105;
    readonly measuredOn: "2026-11-30";
    readonly command: "npm run cost:calibrate";
};
