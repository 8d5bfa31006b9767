/**
 * One audience over presence sockets and the same audience over HTTP heartbeats, on two stages
 * of one worker under `wrangler dev`, must give every reader the same figures (issue 17): the
 * live counts and viewer totals while they watch and after they leave, and, after the sync job,
 * snapshots, viewing records and their CSV export, the series at every resolution, the
 * breakdown, broadcasts and viewers' watch time.
 *
 * The console (console/src) reads these routes, and only these, about an audience:
 * - Live page: `GET /v1/stages/{id}/viewers` per stage, `GET /v1/viewers`, and
 *   `GET /v1/stages/{id}/series?resolution=30s`;
 * - Stage page: `GET /v1/stages/{id}/viewers`, and `.../series` at 30s, 5m, 1h or 1d;
 * - its Breakdown tab: `.../breakdown?by=country|device`, and `.../snapshots` when no hour is
 *   rolled up yet; its Broadcasts tab: `.../broadcasts`; its Records tab:
 *   `.../viewing-records` and `.../viewing-records/export` (CSV);
 * - Viewer page: `GET /v1/viewers/{viewerId}/watch-time`.
 * Each of them is compared here.
 *
 * Fields left out of a comparison, because they cannot be the same for two stages:
 * - `stageId` (and the stage column of the export): the two stages are two stages;
 * - a count's `asOf`: when each read was answered;
 * - a broadcast's `broadcastId`, `startedAt` and `endedAt`: the stages were created and ended by
 *   two requests, milliseconds apart; and its `averageViewers`, seconds over that length, so it
 *   may differ in the last decimal: checked instead as each broadcast's own seconds over its
 *   own length.
 * Both transports send the same user agent, so country and device are compared too.
 */
import { createDocumentClient, createRedis } from "@viewer-presence/shared/clients";
import { parseConfig } from "@viewer-presence/shared/config";
import { SYNC_CALL_DEADLINES } from "@viewer-presence/shared/deadlines";
import { redisKeys } from "@viewer-presence/shared/redis-keys";
import {
  DAY_MS,
  HOUR_MS,
  slotAt,
  windowIndex,
  windowStartMs,
} from "@viewer-presence/shared/windows";
import { signViewerToken } from "@viewer-presence/tokens";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { BROADCAST_SETTLE_MS } from "../../sync/history/broadcast-summaries";
import { runSync } from "../../sync/run-sync";
import { startWranglerDev } from "../stack";
import { openPresencePage, type PresencePage } from "../stack/presence-page";
import { adminHeaders, TEST_TOKEN_SECRET, testBindings, uniqueId } from "../test-env";

/** A desktop Chrome's user agent, sent by every socket and every heartbeat here. */
const USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const INTERVAL_SEC = 30;

let worker: Awaited<ReturnType<typeof startWranglerDev>>;
let bindings: Record<string, string>;

beforeAll(async () => {
  bindings = testBindings(inject("stackEnv"), {
    REDIS_KEY_PREFIX: `${uniqueId("eq")}:`,
    // As in presence-socket.test.ts: the shards write joins, leaves and plays within a second.
    SOCKET_FLUSH_GAP_SEC: "1",
  });
  worker = await startWranglerDev({ port: 0, vars: bindings });
}, 90_000);

afterAll(() => worker?.stop());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Json = Record<string, unknown>;

async function getJson(path: string, headers: Record<string, string> = adminHeaders) {
  const response = await fetch(`${worker.url}${path}`, { headers });
  expect(response.status, path).toBe(200);
  return (await response.json()) as Json;
}

async function createStage() {
  const id = uniqueId("eq");
  const created = await fetch(`${worker.url}/v1/stages`, {
    method: "POST",
    headers: adminHeaders,
    body: JSON.stringify({ id, title: "Equivalence" }),
  });
  expect(created.status).toBe(201);
  return id;
}

async function endStage(stageId: string) {
  const ended = await fetch(`${worker.url}/v1/stages/${stageId}`, {
    method: "PATCH",
    headers: adminHeaders,
    body: JSON.stringify({ status: "ended" }),
  });
  expect(ended.status).toBe(200);
}

async function tokenFor(stageId: string, viewerId: string) {
  const nowMs = Date.now();
  return (await signViewerToken({ secret: TEST_TOKEN_SECRET, viewerId, stageId, nowMs })).token;
}

/** A stage's live count as the public route answers it, without its `asOf` (the read's time). */
async function liveCount(stageId: string) {
  const { viewers, estimated } = await getJson(`/v1/stages/${stageId}/viewers`, {});
  return { viewers, estimated };
}

/** Viewers over all stages of this worker's prefix, and how many stages have any. */
async function totals() {
  const { viewers, activeStages } = await getJson("/v1/viewers", {});
  return { viewers, activeStages };
}

/** Waits (polling; reads are cached 2 s per isolate) until both stages answer `viewers`. */
async function bothCount(stages: readonly string[], viewers: number, allStages: number) {
  for (const stageId of stages) {
    await expect
      .poll(() => liveCount(stageId), { timeout: 15_000, interval: 500 })
      .toEqual({ viewers, estimated: false });
  }
  await expect
    .poll(totals, { timeout: 15_000, interval: 500 })
    .toEqual({ viewers: allStages * viewers, activeStages: viewers === 0 ? 0 : allStages });
}

const omit = (item: Json, ...fields: string[]) =>
  Object.fromEntries(Object.entries(item).filter(([key]) => !fields.includes(key)));

/** Everything the readers answer about one stage after the sync, stage ids taken out. */
async function history(stageId: string, viewerIds: readonly string[], dayMs: number) {
  const range = `from=${new Date(dayMs).toISOString()}&to=${new Date(dayMs + DAY_MS).toISOString()}`;
  const items = async (path: string) =>
    ((await getJson(`/v1/stages/${stageId}/${path}`)).items as Json[]).map((item) =>
      omit(item, "stageId"),
    );
  const snapshots = await items(`snapshots?${range}&limit=500`);
  // Listed in index order: join order over HTTP, flush order over sockets. Not a figure.
  const records = (await items(`viewing-records?${range}&limit=500`)).sort((a, b) =>
    String(a.viewerId).localeCompare(String(b.viewerId)),
  );
  const exported = await fetch(
    `${worker.url}/v1/stages/${stageId}/viewing-records/export?${range}`,
    {
      headers: { ...adminHeaders, accept: "text/csv" },
    },
  );
  expect(exported.status).toBe(200);
  const [header, ...lines] = (await exported.text()).trim().split("\n");
  const csv = {
    header,
    // The first column is the stage id; the rest are compared, in viewer order.
    rows: lines.map((line) => line.slice(line.indexOf(",") + 1)).sort(),
  };
  const series: Record<string, Json[]> = {};
  for (const resolution of ["30s", "5m", "1h", "1d"]) {
    const answer = await getJson(
      `/v1/stages/${stageId}/series?resolution=${resolution}&${range}&limit=2880`,
    );
    series[resolution] = answer.points as Json[];
  }
  const breakdown: Record<string, Json> = {};
  for (const by of ["country", "device"]) {
    breakdown[by] = omit(
      await getJson(`/v1/stages/${stageId}/breakdown?by=${by}&${range}`),
      "stageId",
    );
  }
  const listed = (await getJson(`/v1/stages/${stageId}/broadcasts`)).items as Json[];
  const broadcasts = [];
  for (const broadcast of listed) {
    // The route for one broadcast answers what the list does.
    expect(await getJson(`/v1/stages/${stageId}/broadcasts/${broadcast.broadcastId}`)).toEqual(
      broadcast,
    );
    const lengthSec =
      (Date.parse(String(broadcast.endedAt)) - Date.parse(String(broadcast.startedAt))) / 1000;
    expect(broadcast.averageViewers).toBe(
      Math.round((Number(broadcast.secondsWatched) / lengthSec) * 100) / 100,
    );
    broadcasts.push(
      omit(broadcast, "stageId", "broadcastId", "startedAt", "endedAt", "averageViewers"),
    );
  }
  const watchTime: Record<string, unknown> = {};
  for (const viewerId of viewerIds) {
    const day = new Date(dayMs).toISOString();
    const answer = await getJson(
      `/v1/viewers/${viewerId}/watch-time?from=${day}&to=${new Date(dayMs + DAY_MS).toISOString()}`,
    );
    watchTime[viewerId] = (answer.stages as { stageId: string; seconds: number }[]).find(
      (entry) => entry.stageId === stageId,
    )?.seconds;
  }
  return { snapshots, records, csv, series, breakdown, broadcasts, watchTime };
}

describe("one audience over sockets and over HTTP", () => {
  it("gives the same counts, totals, history, broadcasts and watch time to every reader", async () => {
    // Room in this window for the slot the audience joins in, the next, and the leaves.
    const roomMs = windowStartMs(windowIndex(Date.now()) + 1) - Date.now();
    if (roomMs < 100_000) await sleep(roomMs + 1_000);
    // Both transports' first marks in one slot: not in the last seconds of one.
    const joinSlot = slotAt(Date.now(), INTERVAL_SEC);
    const joinSlotEndMs =
      windowStartMs(windowIndex(Date.now())) + (joinSlot.offsetSec + INTERVAL_SEC) * 1000;
    if (joinSlotEndMs - Date.now() < 20_000) await sleep(joinSlotEndMs - Date.now() + 1_000);
    const window = windowIndex(Date.now());
    const config = parseConfig(bindings);
    const redis = createRedis(config, SYNC_CALL_DEADLINES.redis);
    const keys = redisKeys(config.redisKeyPrefix);
    const overSockets = await createStage();
    const overHttp = await createStage();
    const stages = [overSockets, overHttp];
    const run = uniqueId("v");
    const audience = [
      { viewerId: `${run}-p1`, state: "playing" },
      { viewerId: `${run}-p2`, state: "playing" },
      { viewerId: `${run}-q3`, state: "paused" },
      { viewerId: `${run}-q4`, state: "buffering" },
    ] as const;
    const viewerIds = audience.map(({ viewerId }) => viewerId);
    const httpTokens = new Map<string, string>();
    for (const { viewerId } of audience) {
      httpTokens.set(viewerId, await tokenFor(overHttp, viewerId));
    }
    const beat = async (viewerId: string, state: string) => {
      const answer = await fetch(`${worker.url}/v1/stages/${overHttp}/heartbeats?state=${state}`, {
        method: "POST",
        headers: { authorization: `Bearer ${httpTokens.get(viewerId)}`, "user-agent": USER_AGENT },
      });
      expect(answer.status).toBe(200);
    };
    const leaveOverHttp = async (viewerId: string) => {
      const answer = await fetch(`${worker.url}/v1/stages/${overHttp}/leave`, {
        method: "POST",
        headers: { authorization: `Bearer ${httpTokens.get(viewerId)}`, "user-agent": USER_AGENT },
      });
      expect(answer.status).toBe(204);
    };
    const pages = new Map<string, PresencePage>();
    const leaveOverSocket = async (viewerId: string) => {
      const page = pages.get(viewerId)!;
      page.socket.send(JSON.stringify({ type: "leave" }));
      expect(await page.closed).toBe(1000);
    };

    // The sockets join first: the totals count them alone.
    for (const { viewerId, state } of audience) {
      const token = await tokenFor(overSockets, viewerId);
      const page = await openPresencePage(
        worker.url,
        overSockets,
        `token=${token}&state=${state}`,
        {
          "user-agent": USER_AGENT,
        },
      );
      pages.set(viewerId, page);
    }
    await expect
      .poll(totals, { timeout: 15_000, interval: 500 })
      .toEqual({ viewers: audience.length, activeStages: 1 });
    for (const { viewerId, state } of audience) await beat(viewerId, state);
    await bothCount(stages, audience.length, 2);

    // The next slot: the shard writes it just after it starts; the HTTP viewers beat in it.
    const slot = slotAt(Date.now(), INTERVAL_SEC);
    const nextSlotMs = windowStartMs(window) + (slot.offsetSec + INTERVAL_SEC) * 1000;
    await sleep(nextSlotMs - Date.now() + 3_000);
    expect(windowIndex(Date.now())).toBe(window);
    // The shard's write of this slot (every viewer) is in before anyone leaves in it, as the
    // HTTP viewers' heartbeats are: a loaded machine may ring its alarm late.
    const written = keys.slotBitmap(overSockets, window, slotAt(Date.now(), INTERVAL_SEC));
    await expect.poll(() => redis.exists(written), { timeout: 15_000, interval: 250 }).toBe(1);
    // q4 starts playing in this slot on both transports; p2 leaves, on both.
    const [p1, p2, q3, q4] = viewerIds as [string, string, string, string];
    pages.get(q4)!.socket.send(JSON.stringify({ type: "state", state: "playing" }));
    for (const { viewerId, state } of audience) {
      await beat(viewerId, viewerId === q4 ? "playing" : state);
    }
    await leaveOverSocket(p2);
    await leaveOverHttp(p2);
    await bothCount(stages, audience.length - 1, 2);

    // Everyone else leaves; then both stages end, so each has a broadcast to summarise.
    for (const viewerId of [p1, q3, q4]) {
      await leaveOverSocket(viewerId);
      await leaveOverHttp(viewerId);
    }
    await bothCount(stages, 0, 2);
    expect(windowIndex(Date.now())).toBe(window);
    await endStage(overSockets);
    await endStage(overHttp);
    const endedMs = Date.now();

    // One run as the cron would make it once the hour is rolled up and the broadcasts are due.
    const hourEndMs = Math.ceil((windowStartMs(window) + 1) / HOUR_MS) * HOUR_MS;
    const syncAtMs = Math.max(hourEndMs + 120_000, endedMs + BROADCAST_SETTLE_MS + 1_000);
    const report = await runSync({
      redis,
      db: createDocumentClient(config, SYNC_CALL_DEADLINES.dynamo),
      config,
      now: () => syncAtMs,
      log: () => {},
    });
    expect(report.windows).toBeGreaterThanOrEqual(2);
    // These two at least: the table is shared with the other files running at once, and a run
    // whose clock is this far ahead also settles their ended stages' broadcasts.
    expect(report.broadcasts).toBeGreaterThanOrEqual(2);

    const dayMs = Math.floor(windowStartMs(window) / DAY_MS) * DAY_MS;
    const sockets = await history(overSockets, viewerIds, dayMs);
    const http = await history(overHttp, viewerIds, dayMs);
    // Not empty: two slots of p1, q3 and q4, one of p2; watched by p1, p2 and q4.
    expect(sockets.records.map((record) => record.viewerId)).toEqual([p1, p2, q4].sort());
    expect(sockets.series["1h"]).toHaveLength(1);
    expect(sockets.series["1d"]).toHaveLength(1);
    expect(sockets.broadcasts).toHaveLength(1);
    expect(sockets.broadcasts[0]?.uniqueViewers).toBe(3);
    // p1 played in both slots; q3 never played, so has no watch time on the stage.
    expect(sockets.watchTime[p1]).toBe(2 * INTERVAL_SEC);
    expect(sockets.watchTime[q3]).toBeUndefined();
    expect(sockets.breakdown.device?.hours).toBe(1);
    console.log(
      `compared: ${sockets.snapshots.length} snapshot(s), ${sockets.records.length} records, ${Object.entries(
        sockets.series,
      )
        .map(([resolution, points]) => `${points.length} ${resolution} point(s)`)
        .join(
          ", ",
        )}, broadcast ${JSON.stringify(sockets.broadcasts[0])}, watch time ${JSON.stringify(sockets.watchTime)}`,
    );
    expect(sockets.snapshots).toEqual(http.snapshots);
    expect(sockets.records).toEqual(http.records);
    expect(sockets.csv).toEqual(http.csv);
    expect(sockets.series).toEqual(http.series);
    expect(sockets.breakdown).toEqual(http.breakdown);
    expect(sockets.broadcasts).toEqual(http.broadcasts);
    expect(sockets.watchTime).toEqual(http.watchTime);
    for (const page of pages.values()) page.close();
  }, 240_000);
});
