/**
 * How long one call to Redis (an HTTP request to Upstash) or DynamoDB (one `send`) may take,
 * per use, in ms. Each deadline covers the whole call: the Upstash client's one retry and the
 * AWS SDK's three attempts and their backoff all run under the same signal, so retries never
 * stretch a call past its deadline. A call that misses it fails; the edge answers 503
 * `store_unavailable` with `Retry-After`, the sync job leaves the work in Redis for its next run.
 */
/** One call's deadline, and optionally a signal that aborts every call at once. */
export interface CallDeadline {
    /** Longest a call may take, all its attempts included, in ms. */
    timeoutMs: number;
    /** Aborts every call made under it (the sync job's whole-run deadline). */
    signal?: AbortSignal;
}
export interface StoreDeadlines {
    redis: CallDeadline;
    dynamo: CallDeadline;
}
/**
 * Players' and public routes (heartbeats, leave, counts, a stage's configuration, health): 1 s
 * a call. Upstash answers a Worker in a few ms
 * (tens of ms from another region), so 1 s is tens of times its normal answer, the client's one
 * retry included: a call that takes longer means Upstash is down or overloaded, not slow. It
 * is also far inside the typed client's own 15 s request timeout, so a viewer's player gets a
 * 503 with `Retry-After` (and backs off by it) instead of hanging until it gives up. A
 * heartbeat makes one Redis request, so it answers within about 1 s whatever Redis does (only
 * the first heartbeat of an unknown stage after a Redis loss makes a few more calls, each under
 * its own deadline, to rebuild the registry). Shorter (a few hundred ms) would refuse heartbeats on a cold TLS connection or a GC
 * pause, each refusal costing the viewer at least 5 s of backoff and maybe a slot of credit.
 * DynamoDB is reached on these routes only to rebuild the stage registry after a Redis loss;
 * a one-page Query takes tens of ms, so 1 s there too.
 */
export declare const VIEWER_ROUTE_DEADLINES: StoreDeadlines;
/**
 * The operator's routes (admin key: stages, viewer tokens, history): 2 s a Redis call, 3 s a
 * DynamoDB call. An operator or a dashboard
 * can wait longer than a player, and DynamoDB's own retries of throttled calls (three attempts,
 * backoff from 100 ms) should fit before the call is given up. A history page reads at most
 * five Queries one after the other, so a DynamoDB that answers but crawls could hold it for
 * 5 × 3 s; a stalled one answers 503 after 3 s.
 */
export declare const ADMIN_ROUTE_DEADLINES: StoreDeadlines;
/**
 * A presence shard's flush (edge/presence-shard.ts): 2 s a Redis call, 1 s a DynamoDB call (the
 * registry rebuild after a loss). A flush carries up to a shard's 10,000 viewers (about 150 KB)
 * and nobody waits on it: a slower answer is better than a missed slot, but a stalled database
 * must not hold the shard: the flush fails, keeps its work, and is tried again at the next alarm.
 */
export declare const PRESENCE_SHARD_DEADLINES: StoreDeadlines;
/**
 * The sync job, per call: 5 s. Its calls are bigger (a pipeline reading a page of 25 windows, a
 * BatchWriteItem of 25 items) and nobody waits on them, but a stalled call must not eat the
 * run: after 5 s the step fails, and what it did not confirm stays in Redis for the next run.
 */
export declare const SYNC_CALL_DEADLINES: StoreDeadlines;
/**
 * The sync job, whole run: 10 minutes. At this deadline every call in flight is aborted, no
 * further step starts, and the run releases its lock (with a client of its own, not bound to
 * the run's deadline) and fails with its report. 10 min is under the lock's 12-min TTL, so a
 * run never outlives its lock and two runs never write at once (runs the cron starts meanwhile
 * report `skipped: "locked"`), and under the 15 minutes of wall time a Cron Trigger invocation
 * may take. It was 3 min until the sync benchmark showed a 1,000,000-viewer window needing
 * about 3 min under a 128 MB heap (BENCHMARKS.md): at 3 min it failed every run and, a window
 * being restarted from its start by each run, would never have been written. An ordinary run
 * takes well under a second per hundred stages.
 */
export declare const SYNC_RUN_DEADLINE_MS = 600000;
/** A signal that aborts after the call's deadline, or with the outer signal, whichever first. */
export declare function callSignal(deadline: CallDeadline): AbortSignal;
