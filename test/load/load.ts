/**
 * `npm run load`: N viewers on M stages beat for T seconds against a running `npm start`, each
 * as the real client does (its next heartbeat when the last response's `nextHeartbeatInMs`
 * says), the first beats spread evenly over one interval. Then it checks that every stage
 * counts exactly its viewers and that billed Upstash commands per heartbeat (the deltas of the
 * local endpoint's `/__stats`) stay within the limit in the steady state (after the first
 * interval: the warm-up's per-stage checking scripts are reported apart), and exits non-zero
 * otherwise.
 *
 * Runs as its own process, so the servers' CPU and this one's are not the same event loop.
 */
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { type LoadOptions, parseLoadOptions, USAGE } from "./options";
import { runSocketLoad } from "./socket-load";

interface UpstashStats {
  requests: number;
  commands: number;
  requestBytes: number;
  responseBytes: number;
}

/** The nominal heartbeat interval the first beats are spread over (ms); later ones follow the server. */
const FIRST_SPREAD_MS = 30_000;
/** Stage creation and token requests in flight at once during setup. */
const SETUP_CONCURRENCY = 25;

/**
 * A setup call, sent again (up to 5 times, after its Retry-After) when answered 503: on a shared
 * machine under load a Redis call of the worker may miss its deadline.
 */
async function setupCall(
  url: string,
  init: RequestInit,
): Promise<{ status: number; body: unknown }> {
  for (let attempt = 1; ; attempt++) {
    const answer = await call(url, init);
    if (answer.status !== 503 || attempt === 5) return answer;
    await sleep(5_000);
  }
}

async function call(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, init).catch((error: Error) => {
    const reason = error.cause instanceof Error ? error.cause.message : error.message;
    throw new Error(`${init.method ?? "GET"} ${url}: ${reason} (is \`npm start\` running there?)`);
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text for the error message
  }
  return { status: response.status, body };
}

async function stats(options: LoadOptions): Promise<UpstashStats> {
  const { status, body } = await call(`${options.upstashUrl}/__stats`);
  if (status !== 200) throw new Error(`${options.upstashUrl}/__stats answered ${status}`);
  return body as UpstashStats;
}

/** Runs `task` over `items`, `limit` at a time. */
async function pool<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Stages and one viewer token per viewer, all through the API with the admin key. */
async function setUp(options: LoadOptions) {
  const admin = { authorization: `Bearer ${options.adminKey}`, "content-type": "application/json" };
  const run = `load-${Date.now().toString(36)}`;
  const stageIds = Array.from({ length: options.stages }, (_, i) => `${run}-${i}`);
  await pool(stageIds, SETUP_CONCURRENCY, async (id) => {
    const created = await setupCall(`${options.url}/v1/stages`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ id, title: `Load ${id}` }),
    });
    if (created.status !== 201)
      throw new Error(`createStage ${id}: ${created.status} ${JSON.stringify(created.body)}`);
  });
  const viewers = Array.from({ length: options.viewers }, (_, i) => ({
    viewerId: `viewer-${i}`,
    stageId: stageIds[i % options.stages]!,
  }));
  const tokens = await pool(viewers, SETUP_CONCURRENCY, async ({ viewerId, stageId }) => {
    const issued = await setupCall(`${options.url}/v1/stages/${stageId}/viewer-tokens`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ viewerId, ttlSec: 3600 }),
    });
    if (issued.status !== 201)
      throw new Error(`issueViewerToken: ${issued.status} ${JSON.stringify(issued.body)}`);
    return (issued.body as { token: string }).token;
  });
  return { stageIds, viewers: viewers.map((viewer, i) => ({ ...viewer, token: tokens[i]! })) };
}

function percentile(sorted: number[], p: number): number {
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN
  );
}

async function main(): Promise<number> {
  let options: LoadOptions;
  try {
    options = parseLoadOptions(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : error}\n\n${USAGE}`);
    return 2;
  }
  console.log(
    `Load: ${options.viewers} viewers on ${options.stages} stages for ${options.durationSec} s against ${options.url}`,
  );
  const setupStart = performance.now();
  const { stageIds, viewers } = await setUp(options);
  console.log(
    `Set up ${stageIds.length} stages and ${viewers.length} viewer tokens in ${((performance.now() - setupStart) / 1000).toFixed(1)} s.`,
  );
  if (options.transport === "websocket") {
    return runSocketLoad(options, stageIds, viewers, () => stats(options));
  }

  const latencies: number[] = [];
  const failures = new Map<string, number>();
  let inFlight = 0;
  const before = await stats(options);
  const start = performance.now();
  const endAt = start + options.durationSec * 1000;
  const spreadMs = Math.min(FIRST_SPREAD_MS, options.durationSec * 1000);
  // The steady state starts once every viewer's first heartbeat has been answered.
  let warmUp: { stats: UpstashStats; heartbeats: number } | undefined;
  let firstAnswered = 0;
  const endWarmUp = async () => {
    warmUp = { stats: await stats(options), heartbeats: latencies.length };
  };

  const progress = setInterval(() => {
    const elapsed = (performance.now() - start) / 1000;
    const failed = [...failures.values()].reduce((a, b) => a + b, 0);
    console.log(
      `  ${elapsed.toFixed(0).padStart(4)} s  ${latencies.length} heartbeats (${(latencies.length / elapsed).toFixed(1)}/s), ${inFlight} in flight, ${failed} failed`,
    );
  }, 5_000);

  await Promise.all(
    viewers.map(async (viewer, i) => {
      let first = true;
      let ticket: string | undefined;
      await sleep((i / viewers.length) * spreadMs);
      while (performance.now() < endAt) {
        const sentAt = performance.now();
        inFlight++;
        // The last answer's ticket, as the typed client sends it: without one, a heartbeat is
        // taken for a page's first, looked up and counted afresh.
        const query = ticket === undefined ? "" : `?ticket=${ticket}`;
        const { status, body } = await call(
          `${options.url}/v1/stages/${viewer.stageId}/heartbeats${query}`,
          {
            method: "POST",
            headers: { authorization: `Bearer ${viewer.token}` },
          },
        ).finally(() => inFlight--);
        latencies.push(performance.now() - sentAt);
        if (first) {
          first = false;
          if (++firstAnswered === viewers.length) await endWarmUp();
        }
        if (status !== 200) {
          const key = `${status} ${JSON.stringify(body).slice(0, 120)}`;
          failures.set(key, (failures.get(key) ?? 0) + 1);
          return; // a viewer whose heartbeat failed stops, so its count would show it
        }
        ticket = (body as { ticket: string }).ticket;
        const waitMs = (body as { nextHeartbeatInMs: number }).nextHeartbeatInMs;
        if (performance.now() + waitMs >= endAt) return;
        await sleep(waitMs);
      }
    }),
  );
  clearInterval(progress);
  const elapsedSec = (performance.now() - start) / 1000;
  const after = await stats(options);

  // Every viewer beat within the presence TTL, so each stage must count exactly its viewers.
  const wrongCounts: string[] = [];
  for (const stageId of stageIds) {
    const expected = viewers.filter((viewer) => viewer.stageId === stageId).length;
    const { status, body } = await call(`${options.url}/v1/stages/${stageId}/viewers`);
    const counted = (body as { viewers?: number }).viewers;
    if (status !== 200 || counted !== expected) {
      wrongCounts.push(
        `${stageId}: counted ${status === 200 ? counted : `(${status})`}, expected ${expected}`,
      );
    }
  }

  const heartbeats = latencies.length;
  const perHeartbeat = (from: UpstashStats, to: UpstashStats, count: number) => ({
    requests: (to.requests - from.requests) / count,
    commands: (to.commands - from.commands) / count,
    bytes: (to.requestBytes + to.responseBytes - from.requestBytes - from.responseBytes) / count,
  });
  const costLine = (cost: ReturnType<typeof perHeartbeat>) =>
    `${cost.requests.toFixed(3)} requests, ${cost.commands.toFixed(3)} billed commands, ${cost.bytes.toFixed(1)} bytes`;
  const overall = perHeartbeat(before, after, heartbeats);
  const steadyCount = warmUp === undefined ? 0 : heartbeats - warmUp.heartbeats;
  const steady =
    warmUp !== undefined && steadyCount > 0
      ? perHeartbeat(warmUp.stats, after, steadyCount)
      : undefined;
  const warm =
    warmUp !== undefined ? perHeartbeat(before, warmUp.stats, warmUp.heartbeats) : undefined;
  const sorted = [...latencies].sort((a, b) => a - b);
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  console.log(`
Heartbeats:              ${heartbeats} in ${elapsedSec.toFixed(1)} s (${(heartbeats / elapsedSec).toFixed(1)}/s)
Latency:                 min ${ms(sorted[0] ?? Number.NaN)}, median ${ms(percentile(sorted, 0.5))}, p99 ${ms(percentile(sorted, 0.99))}, max ${ms(sorted.at(-1) ?? Number.NaN)}
Upstash per heartbeat:   ${costLine(overall)} (whole run)
  warm-up (first beats): ${warm === undefined ? "n/a" : `${costLine(warm)} (${warmUp!.heartbeats} heartbeats)`}
  steady state:          ${steady === undefined ? "n/a (run longer than one interval)" : `${costLine(steady)} (${steadyCount} heartbeats)`}
Stage counts:            ${stageIds.length - wrongCounts.length} of ${stageIds.length} exact`);
  const commands = steady?.commands ?? overall.commands;

  const problems: string[] = [];
  for (const [failure, count] of failures) problems.push(`${count} heartbeats failed: ${failure}`);
  problems.push(...wrongCounts.map((line) => `wrong count: ${line}`));
  if (!(commands <= options.maxCommandsPerHeartbeat)) {
    problems.push(
      `${commands.toFixed(3)} commands per heartbeat${steady ? " in the steady state" : ""}, more than ${options.maxCommandsPerHeartbeat}`,
    );
  }
  if (problems.length > 0) {
    console.log(`\nFAILED:\n${problems.map((line) => `  ${line}`).join("\n")}`);
    return 1;
  }
  console.log(
    "\nPASSED: every stage counted exactly its viewers; commands per heartbeat within the limit.",
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  },
);
