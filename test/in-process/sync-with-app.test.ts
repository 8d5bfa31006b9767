/**
 * The sync job and the worker together, in-process on the real local stack: what heartbeats
 * earn becomes history the API serves; a Redis that lost its data answers estimates until
 * live heartbeats return; a budget lengthens the interval for a large audience.
 */

import { windowIndex, windowStartMs } from "@viewer-presence/shared/windows";
import { describe, expect, it } from "vitest";
import { adminHeaders } from "../test-env";
import { createHarness, type Harness, readProblem } from "./harness";

/** Every viewer beats every 30 s until the clock passes `untilMs`. */
async function watch(h: Harness, stageId: string, tokens: string[], untilMs: number) {
  while (h.clock.nowMs < untilMs) {
    for (const token of tokens) expect((await h.heartbeat(stageId, token)).status).toBe(200);
    h.advance(30_000);
  }
}

describe("the sync job with the worker", () => {
  it("turns a window of heartbeats into a snapshot and viewing records the API pages through", async () => {
    const h = createHarness();
    const stageId = await h.createStage();
    const window = windowIndex(h.clock.nowMs);
    const tokens = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        h.token(`viewer-${String(i).padStart(2, "0")}`, stageId),
      ),
    );
    await watch(h, stageId, tokens, windowStartMs(window + 1));
    h.clock.nowMs = windowStartMs(window + 1) + 60_000; // as the cron runs: one minute past the window
    const report = await h.sync();
    expect(report).toMatchObject({ windows: 1, snapshots: 1, viewingRecords: 60 });

    const from = encodeURIComponent(new Date(windowStartMs(window)).toISOString());
    const snapshots = await h.request(`/v1/stages/${stageId}/snapshots?from=${from}`, {
      headers: adminHeaders,
    });
    expect(await snapshots.json()).toMatchObject({
      items: [
        {
          uniqueViewers: 60,
          watchSeconds: 60 * 300,
          slotViewers: new Array(10).fill(60),
          peakViewers: 60,
          averageViewers: 60,
        },
      ],
      nextCursor: null,
    });

    // Page through the records 50 at a time; every viewer once, 300 s each.
    const seen: { viewerId: string; seconds: number }[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `from=${from}&limit=50${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await h.request(`/v1/stages/${stageId}/viewing-records?${query}`, {
        headers: adminHeaders,
      });
      expect(page.status).toBe(200);
      const body = (await page.json()) as {
        items: { viewerId: string; seconds: number }[];
        nextCursor: string | null;
      };
      expect(body.items.length).toBeLessThanOrEqual(50);
      seen.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor !== null);
    expect(seen.map((record) => record.viewerId)).toEqual(
      tokens.map((_, i) => `viewer-${String(i).padStart(2, "0")}`),
    );

    // The same records exported, as CSV and as NDJSON, as `Accept` asks.
    const exported = (accept: string) =>
      h.request(`/v1/stages/${stageId}/viewing-records/export?from=${from}`, {
        headers: { ...adminHeaders, accept },
      });
    const csv = await exported("text/csv");
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const rows = (await csv.text()).split("\n");
    expect(rows[0]).toBe("stageId,viewerId,windowStart,windowEnd,seconds");
    expect(rows.at(-1)).toBe(""); // complete: a newline after the last record
    expect(rows.slice(1, -1)).toHaveLength(60);
    expect(rows[1]).toBe(
      `${stageId},viewer-00,${new Date(windowStartMs(window)).toISOString()},${new Date(windowStartMs(window + 1)).toISOString()},300`,
    );
    const ndjson = await exported("application/x-ndjson");
    const lines = (await ndjson.text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(60);
    expect(lines[59]).toMatchObject({ stageId, viewerId: "viewer-59", seconds: 300 });
    const refused = await exported("application/xml");
    expect(refused.status).toBe(406);
    await readProblem(refused);
    expect(seen.every((record) => record.seconds === 300)).toBe(true);

    const one = await h.request(
      `/v1/stages/${stageId}/viewing-records?from=${from}&viewerId=viewer-07`,
      { headers: adminHeaders },
    );
    expect(await one.json()).toMatchObject({
      items: [{ viewerId: "viewer-07", seconds: 300 }],
      nextCursor: null,
    });
  });

  it("answers 400 for a forged cursor or a bad range, 401 without the admin key, 404 for an unknown stage", async () => {
    const h = createHarness();
    const stageId = await h.createStage();
    for (const query of [
      "cursor=Zm9yZ2Vk",
      "from=2026-11-28T00:00:00.000Z&to=2026-11-27T00:00:00.000Z",
      "from=2024-01-01T00:00:00.000Z&to=2026-01-01T00:00:00.000Z",
      "from=yesterday",
      "limit=9999",
    ]) {
      for (const route of ["snapshots", "viewing-records"]) {
        const response = await h.request(`/v1/stages/${stageId}/${route}?${query}`, {
          headers: adminHeaders,
        });
        expect(response.status, `${route}?${query}`).toBe(400);
        await readProblem(response);
      }
    }
    expect((await h.request(`/v1/stages/${stageId}/snapshots`)).status).toBe(401);
    expect(
      (await h.request("/v1/stages/nobody/viewing-records", { headers: adminHeaders })).status,
    ).toBe(404);
  });

  it("serves the hour's and the day's rollups once the hour is over", async () => {
    const h = createHarness();
    const stageId = await h.createStage();
    const window = windowIndex(h.clock.nowMs);
    const tokens = await Promise.all(["r1", "r2", "r3"].map((v) => h.token(v, stageId, 7200)));
    await watch(h, stageId, tokens, windowStartMs(window + 1));
    h.clock.nowMs = windowStartMs(window + 1) + 60_000;
    expect(await h.sync()).toMatchObject({ windows: 1 });
    // An hour and five minutes later the hour's windows are gone from Redis: it is rolled up.
    h.clock.nowMs = windowStartMs(window) + 65 * 60_000;
    expect(await h.sync()).toMatchObject({ droppedIndexes: 1 });
    const from = encodeURIComponent(new Date(windowStartMs(window)).toISOString());
    const hours = await h.request(`/v1/stages/${stageId}/rollups?from=${from}`, {
      headers: adminHeaders,
    });
    expect(hours.status).toBe(200);
    expect(await hours.json()).toMatchObject({
      items: [
        {
          stageId,
          period: "hour",
          periodStart: new Date(windowStartMs(window)).toISOString(),
          uniqueViewers: 3,
          uniqueViewersExact: true,
          watchSeconds: 900,
          peakViewers: 3,
          countries: [{ country: "unknown", viewers: 3, seconds: 900 }],
        },
      ],
      nextCursor: null,
    });
    const days = await h.request(`/v1/stages/${stageId}/rollups?period=day&from=${from}`, {
      headers: adminHeaders,
    });
    expect(await days.json()).toMatchObject({
      items: [{ period: "day", uniqueViewers: 3, uniqueViewersExact: false, watchSeconds: 900 }],
    });

    // The same as series: 30 s and 5 min from the snapshot, hours and days from the rollups.
    const series = async (resolution: string) => {
      const response = await h.request(
        `/v1/stages/${stageId}/series?resolution=${resolution}&from=${from}`,
        { headers: adminHeaders },
      );
      expect(response.status, resolution).toBe(200);
      return (await response.json()) as { points: Record<string, unknown>[] };
    };
    const start = new Date(windowStartMs(window)).toISOString();
    const fine = await series("30s");
    expect(fine.points).toHaveLength(10);
    expect(fine.points[0]).toMatchObject({ at: start, peakViewers: 3, watchSeconds: 90 });
    expect((await series("5m")).points).toMatchObject([
      { at: start, peakViewers: 3, averageViewers: 3, uniqueViewers: 3, watchSeconds: 900 },
    ]);
    expect((await series("1h")).points).toMatchObject([
      { at: start, peakViewers: 3, uniqueViewers: 3, watchSeconds: 900 },
    ]);
    expect((await series("1d")).points).toMatchObject([{ uniqueViewers: 3, watchSeconds: 900 }]);
    const breakdown = async (by: string) => {
      const response = await h.request(`/v1/stages/${stageId}/breakdown?by=${by}&from=${from}`, {
        headers: adminHeaders,
      });
      expect(response.status, by).toBe(200);
      return response.json();
    };
    expect(await breakdown("country")).toMatchObject({
      by: "country",
      hours: 1,
      rows: [{ key: "unknown", viewerHours: 3, seconds: 900 }],
    });
    expect(await breakdown("device")).toMatchObject({
      rows: [{ key: "other", viewerHours: 3, seconds: 900 }],
    });
    const tooLong = await h.request(
      `/v1/stages/${stageId}/series?resolution=30s&from=2026-11-01T00:00:00Z`,
      { headers: adminHeaders },
    );
    expect(tooLong.status).toBe(400);
    expect((await readProblem(tooLong)).errors?.[0]?.path).toBe("query.from");
  });

  it("breaks a window down by country and device, from the edge's headers, at no extra command", async () => {
    const h = createHarness();
    const stageId = await h.createStage();
    const window = windowIndex(h.clock.nowMs);
    const phone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile/15E148";
    const laptop = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/140.0 Safari/537.36";
    const tv = "Mozilla/5.0 (Linux; Android 12; BRAVIA 4K) AppleWebKit/537.36 SmartTV";
    // Cloudflare sets CF-IPCountry; a viewer with none (local runs) counts as `unknown`.
    const viewers: { id: string; headers: Record<string, string> }[] = [
      { id: "de-1", headers: { "cf-ipcountry": "DE", "user-agent": laptop } },
      { id: "de-2", headers: { "cf-ipcountry": "DE", "user-agent": phone } },
      { id: "us-1", headers: { "cf-ipcountry": "US", "user-agent": tv } },
      { id: "nowhere", headers: { "sec-ch-ua-mobile": "?1" } },
    ];
    const tokens = await Promise.all(viewers.map((v) => h.token(v.id, stageId)));
    while (h.clock.nowMs < windowStartMs(window + 1)) {
      for (const [i, { headers }] of viewers.entries()) {
        const response = await h.request(`/v1/stages/${stageId}/heartbeats`, {
          method: "POST",
          headers: { authorization: `Bearer ${tokens[i]}`, ...headers },
        });
        expect(response.status).toBe(200);
      }
      h.advance(30_000);
    }
    h.clock.nowMs = windowStartMs(window + 1) + 60_000;
    expect(await h.sync()).toMatchObject({ windows: 1 });
    const from = encodeURIComponent(new Date(windowStartMs(window)).toISOString());
    const page = await h.request(`/v1/stages/${stageId}/snapshots?from=${from}`, {
      headers: adminHeaders,
    });
    const [snapshot] = ((await page.json()) as { items: Record<string, unknown>[] }).items;
    expect(snapshot).toMatchObject({
      uniqueViewers: 4,
      watchSeconds: 1200,
      countries: [
        { country: "DE", viewers: 2, seconds: 600 },
        { country: "US", viewers: 1, seconds: 300 },
        { country: "unknown", viewers: 1, seconds: 300 },
      ],
      devices: [
        { device: "mobile", viewers: 2, seconds: 600 },
        { device: "desktop", viewers: 1, seconds: 300 },
        { device: "tv", viewers: 1, seconds: 300 },
      ],
    });
  });

  it("after Redis lost its data, answers the last snapshot's count as an estimate until heartbeats return", async () => {
    const h = createHarness();
    const stageId = await h.createStage();
    const tokens = await Promise.all(
      Array.from({ length: 12 }, (_, i) => h.token(`v${i}`, stageId)),
    );
    const window = windowIndex(h.clock.nowMs);
    await watch(h, stageId, tokens, windowStartMs(window + 1) + 60_000);
    await h.sync(); // the snapshot: 12 live viewers

    await h.redis.del(...(await h.redis.keys(`${h.env.REDIS_KEY_PREFIX}*`))); // Redis loses everything
    const restored = await h.sync();
    expect(restored.restored?.estimates).toBeGreaterThanOrEqual(1);

    const fresh = createHarness({ bindings: { REDIS_KEY_PREFIX: h.env.REDIS_KEY_PREFIX! } });
    fresh.clock.nowMs = h.clock.nowMs;
    const estimated = await (await fresh.request(`/v1/stages/${stageId}/viewers`)).json();
    expect(estimated).toMatchObject({ viewers: 12, estimated: true });

    for (const token of tokens) expect((await fresh.heartbeat(stageId, token)).status).toBe(200);
    fresh.advance(2_001);
    expect(await (await fresh.request(`/v1/stages/${stageId}/viewers`)).json()).toMatchObject({
      viewers: 12,
      estimated: false,
    });
  });

  it("appends each heartbeat to the audit stream on stages that ask for it, and the job drains it", async () => {
    const h = createHarness();
    const audited = await h.createStage({ auditTrail: true });
    const plain = await h.createStage();
    for (const stageId of [audited, plain]) {
      const token = await h.token("auditor", stageId);
      for (let i = 0; i < 3; i++) {
        expect((await h.heartbeat(stageId, token)).status).toBe(200);
        h.advance(30_000);
      }
    }
    expect(await h.redis.xlen(h.keys.audit(audited))).toBe(3);
    expect(await h.redis.exists(h.keys.audit(plain))).toBe(0);
    const report = await h.sync();
    expect(report.auditEvents).toBe(3);
    expect(await h.redis.xlen(h.keys.audit(audited))).toBe(0);
  });

  it("lengthens the interval for a large audience under a budget, and keeps 30 s for a small one", async () => {
    // Upstash pay-as-you-go: each heartbeat's commands are billed, so 40 viewers cost about
    // $5 (Workers minimum) + 40 x 87,600 x 2.06 commands x $2 per million = $19.4 a month.
    const budget = {
      HOT_PATH_BUDGET_USD: "10",
      UPSTASH_BILLING: "payg",
      HEARTBEAT_INTERVAL_MAX_SEC: "120",
    };
    const interval = async (viewers: number) => {
      const h = createHarness({ bindings: budget });
      const stageId = await h.createStage();
      const tokens = await Promise.all(
        Array.from({ length: viewers }, (_, i) => h.token(`v${i}`, stageId)),
      );
      for (const token of tokens) await h.heartbeat(stageId, token);
      await h.sync(); // counts the live audience, chooses the interval, stores it for the edge
      h.advance(30_000);
      const next = (await (await h.heartbeat(stageId, tokens[0]!)).json()) as {
        nextHeartbeatInMs: number;
      };
      return next.nextHeartbeatInMs;
    };
    const small = await interval(4);
    expect(small).toBeGreaterThanOrEqual(27_000);
    expect(small).toBeLessThanOrEqual(30_000);
    const large = await interval(40);
    expect(large).toBeGreaterThan(30_000);
    expect(large).toBeLessThanOrEqual(120_000);
  });
});
