import { parseConfig } from "@viewer-presence/shared/config";
import { createTicketSigner } from "@viewer-presence/shared/presence-ticket";
import { stageDatabases, viewerDatabase } from "@viewer-presence/shared/rendezvous";
import { epochAt } from "@viewer-presence/shared/slot-bitmaps";
import { describe, expect, it } from "vitest";
import { syncOnce } from "../../sync/sync-once";
import { localStackPerFile } from "../stack/stack-per-file";
import { TEST_TOKEN_SECRET, uniqueId } from "../test-env";
import { severalDatabases } from "./databases-harness";
import { T0 } from "./harness";

const DATABASES = 3;
const stack = localStackPerFile({ databases: DATABASES });

function setup() {
  const t = severalDatabases(stack());
  /** Viewers listed in a database's index of the stage this hour. */
  const listed = async (database: number, stageId: string) =>
    (
      await t.direct[database]!.lrange(t.keys.viewerList(stageId, epochAt(t.clock.nowMs)), 0, -1)
    ).map((entry) => String(entry).split("|")[0]!);
  return { ...t, listed };
}

type Setup = ReturnType<typeof setup>;

async function createSpreadStage(t: Setup, databases: number) {
  const id = uniqueId("spread");
  const response = await t.createStage({ id, title: id, databases });
  expect(response.status).toBe(201);
  expect(await response.json()).toMatchObject({ id, databases });
  return id;
}

const viewersOf = (n: number) => Array.from({ length: n }, (_, i) => `viewer-${i}`);

describe("a stage spread over several databases", () => {
  it("puts each viewer in one of the stage's databases, and counts the sum", async () => {
    const t = setup();
    const stageId = await createSpreadStage(t, 2);
    const parts = stageDatabases(t.urls, { id: stageId, databases: 2 });
    expect(parts).toHaveLength(2);
    // Every part holds the stage, and lists it as spread.
    for (const part of parts) {
      expect(await t.direct[part]!.get(t.keys.stage(stageId))).toMatchObject({ databases: 2 });
      expect(await t.direct[part]!.sismember(t.keys.spreadStages(), stageId)).toBe(1);
    }
    const viewers = viewersOf(40);
    // The first heartbeat of a new deployment (no registry marker yet: the isolate rebuilds the
    // registry and forgets its counts) still counts its own viewer; the other part is estimated.
    const first = await (await t.beat(stageId, viewers[0]!)).json();
    expect(first.viewers).toBeGreaterThan(0);
    expect(first.estimated).toBe(true);
    for (const viewer of viewers.slice(1)) {
      expect((await t.beat(stageId, viewer)).status).toBe(200);
    }

    const placed = await Promise.all(parts.map((part) => t.listed(part, stageId)));
    expect(placed.flat().sort()).toEqual([...viewers].sort());
    for (const [i, part] of parts.entries()) {
      expect(placed[i]!.length).toBeGreaterThan(0);
      for (const viewer of placed[i]!) {
        expect(viewerDatabase(t.urls, { id: stageId, databases: 2 }, viewer)).toBe(part);
      }
    }
    const other = [0, 1, 2].find((database) => !parts.includes(database))!;
    expect(await t.listed(other, stageId)).toEqual([]);

    expect(await (await t.request(`/v1/stages/${stageId}/viewers`)).json()).toMatchObject({
      viewers: 40,
      estimated: false,
    });

    // Past the isolate's count cache, the heartbeats' answers count every part.
    t.clock.nowMs += 10_001;
    let last: { viewers: number; estimated: boolean } | undefined;
    for (const viewer of viewers) last = await (await t.beat(stageId, viewer)).json();
    expect(last).toMatchObject({ viewers: 40, estimated: false });

    const totals = await (await t.request("/v1/viewers")).json();
    expect(totals).toMatchObject({ viewers: 40, activeStages: 1 });
  });

  it("keeps a viewer in one database through tickets, a fresh isolate and leave", async () => {
    const t = setup();
    const stageId = await createSpreadStage(t, 3);
    const stage = { id: stageId, databases: 3 };
    const viewers = viewersOf(12);
    const tickets = new Map<string, string>();
    for (const viewer of viewers) {
      const answer = await (await t.beat(stageId, viewer)).json();
      tickets.set(viewer, answer.ticket);
    }
    // A fresh isolate does not know the stage: its first heartbeat asks the home, which sends
    // it to the viewer's database; the ticket still names the viewer's index there.
    t.restartIsolate();
    t.clock.nowMs += 30_000;
    for (const viewer of viewers) {
      const response = await t.beat(stageId, viewer, tickets.get(viewer));
      expect(response.status).toBe(200);
    }
    for (const part of stageDatabases(t.urls, stage)) {
      const here = viewers.filter((viewer) => viewerDatabase(t.urls, stage, viewer) === part);
      expect((await t.listed(part, stageId)).sort()).toEqual(here.sort());
    }
    const leaving = viewers[0]!;
    const left = await t.request(`/v1/stages/${stageId}/leave`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ token: await t.token(stageId, leaving) }),
    });
    expect(left.status).toBe(204);
    t.clock.nowMs += 2_001;
    expect(await (await t.request(`/v1/stages/${stageId}/viewers`)).json()).toMatchObject({
      viewers: 11,
    });
  });

  it("ends and reopens in every part; refuses to change `databases` later", async () => {
    const t = setup();
    const stageId = await createSpreadStage(t, 2);
    const ended = await t.request(`/v1/stages/${stageId}`, {
      method: "PATCH",
      headers: t.admin,
      body: JSON.stringify({ status: "ended" }),
    });
    expect(ended.status).toBe(200);
    for (const part of stageDatabases(t.urls, { id: stageId, databases: 2 })) {
      expect(await t.direct[part]!.get(t.keys.stage(stageId))).toMatchObject({
        status: "ended",
      });
    }
    t.clock.nowMs += 10_001;
    for (const viewer of viewersOf(6)) expect((await t.beat(stageId, viewer)).status).toBe(410);
    const respread = await t.request(`/v1/stages/${stageId}`, {
      method: "PATCH",
      headers: t.admin,
      body: JSON.stringify({ databases: 3 }),
    });
    expect(respread.status).toBe(400);
  });

  it("is synced by its home's run: one snapshot, every record, the hour rolled up, keys gone", async () => {
    const t = setup();
    const stageId = await createSpreadStage(t, 3);
    const stage = { id: stageId, databases: 3 };
    const viewers = viewersOf(30);
    // Every viewer beats every 30 s through the window that starts at T0's 12:00.
    const windowStart = T0 - (T0 % 300_000);
    for (let at = T0; at < windowStart + 300_000; at += 30_000) {
      t.clock.nowMs = at;
      for (const viewer of viewers) expect((await t.beat(stageId, viewer)).status).toBe(200);
    }
    const parts = stageDatabases(t.urls, stage);
    for (const part of parts) expect((await t.listed(part, stageId)).length).toBeGreaterThan(0);

    const config = parseConfig(t.env);
    const first = await syncOnce(config, {
      now: () => windowStart + 300_000 + 20_000,
      log: () => {},
    });
    expect(first.errors).toBeUndefined();
    expect(first.windows).toBe(1);
    const range = `from=${new Date(windowStart).toISOString()}&to=${new Date(windowStart + 300_000).toISOString()}`;
    const snapshots = await (
      await t.request(`/v1/stages/${stageId}/snapshots?${range}`, { headers: t.admin })
    ).json();
    expect(snapshots.items).toHaveLength(1);
    expect(snapshots.items[0]).toMatchObject({ uniqueViewers: 30, watchSeconds: 30 * 300 });
    const records = await (
      await t.request(`/v1/stages/${stageId}/viewing-records?${range}&limit=100`, {
        headers: t.admin,
      })
    ).json();
    expect(records.items.map((r: { viewerId: string }) => r.viewerId).sort()).toEqual(
      [...viewers].sort(),
    );
    expect(records.items.every((r: { seconds: number }) => r.seconds === 300)).toBe(true);
    // A second run writes nothing more: the window is synced, whichever database runs first.
    const again = await syncOnce(config, {
      now: () => windowStart + 300_000 + 40_000,
      log: () => {},
    });
    expect(again.windows).toBe(0);

    // After the hour: its rollup counts every part's viewers once, and no key is left.
    const hourEnd = windowStart - (windowStart % 3_600_000) + 3_600_000;
    const later = await syncOnce(config, { now: () => hourEnd + 120_000, log: () => {} });
    expect(later.errors).toBeUndefined();
    const hourRange = `from=${new Date(hourEnd - 3_600_000).toISOString()}&to=${new Date(hourEnd).toISOString()}`;
    const rollups = await (
      await t.request(`/v1/stages/${stageId}/rollups?period=hour&${hourRange}`, {
        headers: t.admin,
      })
    ).json();
    expect(rollups.items).toHaveLength(1);
    expect(rollups.items[0]).toMatchObject({ uniqueViewers: 30, watchSeconds: 30 * 300 });
    // What stays is the stage's copy (every part) and the day's HyperLogLog (the home's).
    for (const part of parts) {
      const left = await t.direct[part]!.keys(`${t.env.REDIS_KEY_PREFIX}*${stageId}*`);
      const presence = left.filter((key) => /:(b|ix|il|hw|wb):/.test(key));
      expect(presence).toEqual([]);
      expect(
        await t.direct[part]!.sismember(
          t.keys.indexedEpochs(),
          `${stageId}:${epochAt(windowStart)}`,
        ),
      ).toBe(0);
    }
  });

  it("refuses a ticket naming an index beyond its part's list, writing nothing there", async () => {
    const t = setup();
    const stageId = await createSpreadStage(t, 3);
    const stage = { id: stageId, databases: 3 };
    const [home] = stageDatabases(t.urls, stage);
    const viewer = viewersOf(20).find((v) => viewerDatabase(t.urls, stage, v) !== home)!;
    const part = viewerDatabase(t.urls, stage, viewer);
    const { ticket } = (await (await t.beat(stageId, viewer)).json()) as { ticket: string };
    const [epoch, , generation] = ticket.split(".") as [string, string, string];
    // Signed as the edge signs a part's tickets (over the part's URL), with the secret.
    const signer = createTicketSigner(TEST_TOKEN_SECRET);
    const listed = (await t.listed(part, stageId)).length;
    const lengths = async () => {
      const keys = await t.direct[part]!.keys(`${t.env.REDIS_KEY_PREFIX}b:*`);
      return Promise.all(keys.map((key) => t.direct[part]!.strlen(key)));
    };
    const before = await lengths();
    for (const fresh of [false, true]) {
      if (fresh) t.restartIsolate();
      for (const index of [999_999_999, listed]) {
        const forged = await signer.sign(`${stageId}\n${t.urls[part]}`, viewer, {
          epoch: Number(epoch),
          index,
          generation,
        });
        const response = await t.beat(stageId, viewer, forged);
        expect(await lengths()).toEqual(before);
        expect(response.status).toBe(400);
      }
    }
    expect((await t.beat(stageId, viewer, ticket)).status).toBe(200);
  });
});
