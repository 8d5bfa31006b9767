/**
 * A Redis database that loses data after the sync job wrote a window must not make the job
 * write that window again from what is left: the "already synced" fact lives in DynamoDB too
 * (sync/windows/window-ledger.ts). Three losses, on two databases:
 * - a spread stage's home killed and restarted empty after its window synced, while the other
 *   part still holds its bitmaps;
 * - the same home killed while a window is half written (small chunks and flushes: several
 *   writes), its progress gone with it;
 * - a plain stage's database back from a save taken before the window closed (what a Redis
 *   restored from its last persistence point, or a failover to a lagging replica, looks like).
 * Each time the ledger check: nothing written is lost, nothing is counted twice.
 */

import { VIEWING_RECORDS_ITEM_TYPE } from "@viewer-presence/shared/dynamo-keys";
import { stageDatabases, viewerDatabase } from "@viewer-presence/shared/rendezvous";
import { windowIndex, windowStartMs } from "@viewer-presence/shared/windows";
import { describe, expect, it } from "vitest";
import { useFaultHarness, viewers } from "./harness";
import { storedChanges, summed, totalSeconds, type WatchKey } from "./ledger";

const fault = useFaultHarness(undefined, { databases: 2 });

/** Every viewer beats once now; then the clock moves past the window's close. */
async function oneBeatAndClose(stageId: string, audience: readonly string[]) {
  const window = windowIndex(fault.h.clock.nowMs);
  expect((await fault.h.beatAll(stageId, audience)).map((beat) => beat.status)).toEqual(
    audience.map(() => 200),
  );
  fault.h.clock.nowMs = windowStartMs(window + 1) + 15_000;
  return window;
}

/** Whether a DynamoDB command writes viewing-records items (a BatchWriteItem's puts). */
function writesRecords(sent: { input?: unknown }): boolean {
  const requests = (sent.input as { RequestItems?: Record<string, unknown> }).RequestItems;
  return Object.values(requests ?? {}).some(
    (list) =>
      Array.isArray(list) &&
      list.some(
        (request) =>
          (request as { PutRequest?: { Item?: { type?: string } } }).PutRequest?.Item?.type ===
          VIEWING_RECORDS_ITEM_TYPE,
      ),
  );
}

const describeChanges = (changes: ReturnType<typeof storedChanges>) =>
  `${changes.lost.size} viewers lost (${totalSeconds(changes.lost)} s), ${changes.added.size} counted more (+${totalSeconds(changes.added)} s)`;

describe("the ledger after a Redis data loss", () => {
  it("a spread stage's home restarted empty after a sync: the window is not written again", async () => {
    const stageId = await fault.h.createStage({ databases: 2 });
    const [home] = stageDatabases(fault.h.urls, { id: stageId, databases: 2 });
    const audience = viewers(100);
    const window = await oneBeatAndClose(stageId, audience);
    const first = await fault.h.sync();
    expect(first.error).toBeUndefined();
    expect(first.report?.windows).toBe(1);
    const synced = await fault.h.stored(stageId);
    expect(synced).toEqual(fault.h.ledger.acknowledged(stageId));
    expect(totalSeconds(synced)).toBe(100 * 30);
    const snapshot = await fault.h.snapshot(stageId, window);
    expect(snapshot).toMatchObject({ uniqueViewers: 100, watchSeconds: 3_000 });

    // The home loses everything; the other part keeps its bitmaps (for the presence TTL).
    await fault.stack.databases[home!]!.redis.restart();
    const rerun = await fault.h.sync();
    expect(rerun.error).toBeUndefined();

    const changes = storedChanges(synced, summed(await fault.h.storedRecords(stageId)));
    console.info(`spread stage, home lost after the sync: ${describeChanges(changes)}`);
    expect(changes.lost).toEqual(new Map());
    expect(changes.added).toEqual(new Map());
    expect(await fault.h.stored(stageId)).toEqual(synced);
    expect(await fault.h.snapshot(stageId, window)).toEqual(snapshot);
    expect(rerun.report).toMatchObject({ windows: 0, alreadySynced: 1 });
  });

  it("a spread stage's home killed mid-window: the rerun keeps what was written and adds the rest once", async () => {
    const stageId = await fault.h.createStage({ databases: 2 });
    const stage = { id: stageId, databases: 2 };
    const [home] = stageDatabases(fault.h.urls, stage);
    const audience = viewers(100);
    const window = await oneBeatAndClose(stageId, audience);
    // Small reads, items and writes: the window takes many writes, and saves its progress.
    const small = { chunkViewers: 8, flushItems: 2, maxItemBytes: 200 };

    let recordWrites = 0;
    const killed = await fault.h.tappedSync(
      {
        database: home!,
        afterDynamo: async (_command, _call, sent) => {
          // The home's data goes while the run reads it, two writes into the window.
          if (writesRecords(sent) && ++recordWrites === 2) {
            await fault.stack.databases[home!]!.redis.kill();
          }
        },
      },
      small,
    );
    expect(killed.error).toBeDefined();
    const written = summed(await fault.h.storedRecords(stageId));
    const viewerOf = (key: WatchKey) => key.slice(0, key.lastIndexOf("@"));
    const homeViewers = audience.filter((v) => viewerDatabase(fault.h.urls, stage, v) === home);
    // The run was in the home's viewers (read first) when their data went.
    expect(written.size).toBeGreaterThan(0);
    expect(written.size).toBeLessThan(homeViewers.length);
    expect([...written.keys()].every((key) => homeViewers.includes(viewerOf(key)))).toBe(true);
    expect(await fault.h.snapshot(stageId, window)).toBeUndefined();

    await fault.stack.databases[home!]!.redis.restart();
    const rerun = await fault.h.sync(small);
    expect(rerun.error).toBeUndefined();

    const after = summed(await fault.h.storedRecords(stageId));
    const changes = storedChanges(written, after);
    const acked = fault.h.ledger.acknowledged(stageId);
    const watchKey = (viewerId: string): WatchKey =>
      `${viewerId}@${new Date(windowStartMs(window)).toISOString()}`;
    const othersPart = audience.filter((viewer) => !homeViewers.includes(viewer));
    const missing = audience.filter((viewer) => !after.has(watchKey(viewer)));
    const overAcked = [...after].filter(([key, seconds]) => seconds > (acked.get(key) ?? 0));
    console.info(
      `spread stage, home killed mid-window after ${written.size} home viewers were written: the rerun lost ${changes.lost.size} of them, added ${changes.added.size} viewers (the other part has ${othersPart.length}), ${overAcked.length} stored beyond what was acknowledged; ${missing.length} home viewers never written (their data went with the home before the window was synced)`,
    );
    // Nothing written is lost or grows; nothing is stored beyond what was acknowledged.
    expect(changes.lost).toEqual(new Map());
    for (const [key, seconds] of after) expect(seconds, key).toBe(acked.get(key));
    expect(await fault.h.stored(stageId)).toEqual(after);
    // The other part's viewers are all there; only home viewers not yet written are missing.
    for (const viewer of othersPart) expect(after.get(watchKey(viewer)), viewer).toBe(30);
    for (const viewer of missing) expect(homeViewers).toContain(viewer);
    // The snapshot counts exactly what the records hold.
    expect(await fault.h.snapshot(stageId, window)).toMatchObject({
      uniqueViewers: after.size,
      watchSeconds: totalSeconds(after),
    });
  });

  it("a plain stage's database back from a save taken before the sync: the window is not written again", async () => {
    const stageId = await fault.h.createStage();
    const [database] = stageDatabases(fault.h.urls, { id: stageId });
    const audience = viewers(40);
    const window = windowIndex(fault.h.clock.nowMs);
    expect((await fault.h.beatAll(stageId, audience)).every((beat) => beat.status === 200)).toBe(
      true,
    );
    // Redis persists here; the rest of the window is acknowledged after that point.
    await fault.stack.databases[database!]!.redis.save();
    fault.h.advance(30_000);
    expect(windowIndex(fault.h.clock.nowMs)).toBe(window);
    await oneBeatAndClose(stageId, audience);
    const first = await fault.h.sync();
    expect(first.error).toBeUndefined();
    const synced = await fault.h.stored(stageId);
    expect(synced).toEqual(fault.h.ledger.acknowledged(stageId));
    expect(totalSeconds(synced)).toBe(40 * 60);
    const snapshot = await fault.h.snapshot(stageId, window);

    // Back from the save: the window's first half, not marked synced.
    await fault.stack.databases[database!]!.redis.restart();
    const rerun = await fault.h.sync();
    expect(rerun.error).toBeUndefined();

    const changes = storedChanges(synced, summed(await fault.h.storedRecords(stageId)));
    console.info(`plain stage, Redis back from an older save: ${describeChanges(changes)}`);
    expect(changes.lost).toEqual(new Map());
    expect(changes.added).toEqual(new Map());
    expect(await fault.h.snapshot(stageId, window)).toEqual(snapshot);
    expect(rerun.report?.windows).toBe(0);
    // This window, and any other the save brought back that was synced after it.
    expect(rerun.report?.alreadySynced).toBeGreaterThanOrEqual(1);
  });
});
