/**
 * `npm run load -- --transport websocket`: every viewer holds a presence socket (Node's global
 * WebSocket) against a running `npm start`, pinging as the protocol asks. It measures what the
 * issue asks of the transport: Upstash commands per viewer per minute (the endpoint's
 * `/__stats`, after every viewer's first flush), Worker and Durable Object requests per viewer
 * (upgrades, incoming messages, alarms, counted or read from the flushes' Upstash requests), the
 * time from a join or leave to every page of the stage showing it (one viewer per stage leaves
 * and comes back, in turn), and whether every stage's count is exact, pushed and read.
 */
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { openPresencePage, type PresencePage, tryUpgrade } from "../stack/presence-page";
import type { LoadOptions } from "./options";

interface UpstashStats {
  requests: number;
  commands: number;
  requestBytes: number;
  responseBytes: number;
}

interface Viewer {
  viewerId: string;
  stageId: string;
  token: string;
}

/** Upgrades sent at once while connecting (wrangler dev on a small, shared machine). */
const CONNECT_CONCURRENCY = 20;
/**
 * How long a count read may lag the last join or leave: the shard's next write to Redis (at most
 * SOCKET_FLUSH_GAP_SEC, 20 s by default, or the slot's, 30 s) and the worker's 2 s count cache.
 */
const READ_WITHIN_MS = 35_000;
/** How long after the last join the shards' first flushes are surely done (ms). */
const SETTLE_MS = 5_000;

/** Statistics of a sample, in ms. */
function summary(sample: number[]): string {
  const sorted = [...sample].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ??
    Number.NaN;
  return `n ${sorted.length}, min ${at(0).toFixed(0)}, p50 ${at(0.5).toFixed(0)}, p99 ${at(0.99).toFixed(0)}, max ${(sorted.at(-1) ?? Number.NaN).toFixed(0)} ms`;
}

/** Waits until every page of a stage has been pushed `expected` after `sinceMs`; when the last got it. */
async function everyPageShows(
  pages: PresencePage[],
  expected: number,
  sinceMs: number,
  timeoutMs = 30_000,
) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const seen = pages.map(
      (page) =>
        page.counts.find((count) => count.atMs >= sinceMs && count.viewers === expected)?.atMs,
    );
    if (seen.every((atMs) => atMs !== undefined)) return Math.max(...(seen as number[])) - sinceMs;
    if (performance.now() > deadline) return Number.NaN;
    await sleep(20);
  }
}

/** Upstash commands of every `everySec` for `forMs`, each line with its UTC time. */
async function printSeries(stats: () => Promise<UpstashStats>, forMs: number, everySec: number) {
  const endMs = performance.now() + forMs;
  let last = await stats();
  console.log(`Commands every ${everySec} s of the steady state:`);
  while (performance.now() < endMs) {
    await sleep(Math.min(everySec * 1000, endMs - performance.now()));
    const now = await stats();
    const time = new Date().toISOString().slice(11, 19);
    console.log(
      `  ${time}  ${now.commands - last.commands} commands in ${now.requests - last.requests} requests`,
    );
    last = now;
  }
}

/** Refused upgrades, by status (learnt by asking again over node:http). */
const refusals = new Map<number, number>();

/** Opens a viewer's socket as a client would: again after a refusal, with jittered backoff. */
async function connect(
  url: string,
  viewer: Viewer,
  attempts = { count: 0 },
): Promise<PresencePage> {
  for (let attempt = 0; ; attempt++) {
    attempts.count++;
    try {
      return await openPresencePage(url, viewer.stageId, `token=${viewer.token}`);
    } catch (error) {
      const path = `/v1/stages/${viewer.stageId}/presence?token=${viewer.token}`;
      const { status } = await tryUpgrade(url, path).catch(() => ({ status: 0 }));
      refusals.set(status, (refusals.get(status) ?? 0) + 1);
      if (attempt >= 12) throw error;
      await sleep(Math.min(8_000, 500 * 2 ** attempt) * (0.5 + Math.random()));
    }
  }
}

export async function runSocketLoad(
  options: LoadOptions,
  stageIds: string[],
  viewers: Viewer[],
  stats: () => Promise<UpstashStats>,
): Promise<number> {
  const pages = new Map<string, PresencePage>();
  const upgrades = { count: 0 };
  const connectStart = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONNECT_CONCURRENCY }, async () => {
      while (next < viewers.length) {
        const viewer = viewers[next++]!;
        pages.set(viewer.viewerId, await connect(options.url, viewer, upgrades));
      }
    }),
  );
  console.log(
    `Connected ${pages.size} sockets in ${((performance.now() - connectStart) / 1000).toFixed(1)} s.`,
  );
  await sleep(SETTLE_MS);
  const byStage = new Map(stageIds.map((id) => [id, viewers.filter((v) => v.stageId === id)]));
  const pagesOf = (stageId: string) => byStage.get(stageId)!.map((v) => pages.get(v.viewerId)!);

  // Steady state: nobody joins or leaves; every socket pings, every shard flushes each slot.
  const before = await stats();
  const steadyStart = performance.now();
  const churnMs = Math.max(0, options.durationSec * 1000 - SETTLE_MS);
  if (options.seriesSec > 0) await printSeries(stats, churnMs / 2, options.seriesSec);
  else await sleep(churnMs / 2);
  const steady = await stats();
  const steadyMin = (performance.now() - steadyStart) / 60_000;

  // Churn: one viewer per stage leaves, then comes back, one stage at a time.
  const joins: number[] = [];
  const leaves: number[] = [];
  const churnEnd = performance.now() + churnMs / 2;
  for (let round = 0; performance.now() < churnEnd; round++) {
    const stageId = stageIds[round % stageIds.length]!;
    const stageViewers = byStage.get(stageId)!;
    const mover = stageViewers[round % stageViewers.length]!;
    const others = pagesOf(stageId).filter((page) => page !== pages.get(mover.viewerId));
    const leftAt = performance.now();
    pages.get(mover.viewerId)!.socket.send('{"type":"leave"}');
    leaves.push(await everyPageShows(others, stageViewers.length - 1, leftAt));
    const joinedAt = performance.now();
    pages.set(mover.viewerId, await connect(options.url, mover, upgrades));
    joins.push(await everyPageShows(others, stageViewers.length, joinedAt));
  }
  const after = await stats();

  // Exact counts: what every page was last pushed, and what a count read answers once the
  // shard's next write (SOCKET_FLUSH_GAP_SEC, 20 s by default) and the 2 s count cache let it.
  const readAt = performance.now();
  const readCount = async (stageId: string) =>
    (
      (await (await fetch(`${options.url}/v1/stages/${stageId}/viewers`)).json()) as {
        viewers: number;
      }
    ).viewers;
  for (const [stageId, stageViewers] of byStage) {
    while (performance.now() - readAt < READ_WITHIN_MS) {
      if ((await readCount(stageId)) === stageViewers.length) break;
      await sleep(500);
    }
  }
  const readMs = performance.now() - readAt;
  const wrong: string[] = [];
  for (const [stageId, stageViewers] of byStage) {
    const pushed = new Set(pagesOf(stageId).map((page) => page.counts.at(-1)?.viewers));
    const read = { viewers: await readCount(stageId) };
    if (
      pushed.size !== 1 ||
      !pushed.has(stageViewers.length) ||
      read.viewers !== stageViewers.length
    ) {
      wrong.push(
        `${stageId}: pushed ${[...pushed].join("/")}, read ${read.viewers}, expected ${stageViewers.length}`,
      );
    }
  }
  const n = viewers.length;
  const commands = steady.commands - before.commands;
  const flushes = steady.requests - before.requests;
  const perViewerMinute = commands / n / steadyMin;
  // A page pings every pingEveryMs (30 s): 120 messages an hour, answered by the auto-response.
  const alarmsPerViewerHour = ((flushes / steadyMin) * 60) / n;
  console.log(`
Sockets:                 ${n} over ${stageIds.length} stages (${(n / stageIds.length).toFixed(0)} a stage, one shard each below 5,000)
Steady state:            ${steadyMin.toFixed(2)} min, ${commands} Upstash commands in ${flushes} requests (${((steady.requestBytes + steady.responseBytes - before.requestBytes - before.responseBytes) / 1024).toFixed(0)} KB)
  Upstash commands per viewer per minute: ${perViewerMinute.toFixed(4)}
  shard flushes (alarms) per viewer per hour: ${alarmsPerViewerHour.toFixed(3)}
Worker requests:         ${upgrades.count} upgrades for ${n} viewers (refused first: ${JSON.stringify(Object.fromEntries(refusals))}) (one per session; ${(2).toFixed(0)} per viewer-hour with 30-min sessions)
Durable Object requests per viewer per hour (30-min sessions): ${(2 + alarmsPerViewerHour).toFixed(3)} (upgrades + alarms; pings are auto-responses, no state or token messages sent)
Churn:                   ${joins.length} joins and ${leaves.length} leaves, ${after.commands - steady.commands} commands
  join -> every page of the stage: ${summary(joins)}
  leave -> every page of the stage: ${summary(leaves)}
Stage counts:            ${stageIds.length - wrong.length} of ${stageIds.length} exact (pushed to every page, and read; the read matched ${(readMs / 1000).toFixed(1)} s after the last change)`);
  for (const page of pages.values()) page.close();
  if (wrong.length > 0 || joins.some(Number.isNaN) || leaves.some(Number.isNaN)) {
    console.log(`\nFAILED:\n${wrong.map((line) => `  wrong count: ${line}`).join("\n")}`);
    return 1;
  }
  console.log("\nPASSED: every stage counted exactly its viewers, pushed to every page.");
  return 0;
}
