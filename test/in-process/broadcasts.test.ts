/**
 * Broadcasts and viewers' watch time, end to end on the real local stack: a simulated audience
 * of known shape (joins, a peak, two tabs, a drop-out and a return, leaves) on the harness's
 * clock, through the worker's heartbeats and the sync job, read back through the API and
 * checked against what the shape implies, exactly; then reruns, a run killed mid-write and
 * the day's late rewrite, which must change nothing; then bad input.
 */
import { DeleteCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient, createDynamoClient } from "@viewer-presence/shared/clients";
import { parseConfig } from "@viewer-presence/shared/config";
import { SYNC_CALL_DEADLINES } from "@viewer-presence/shared/deadlines";
import {
  broadcastDueKeys,
  broadcastKeys,
  viewerPartition,
} from "@viewer-presence/shared/dynamo-keys";
import { beforeAll, describe, expect, it } from "vitest";
import { createTable } from "../../sync/create-table";
import { broadcastFigures } from "../../sync/history/broadcast-summaries";
import { writeViewerDay } from "../../sync/history/viewer-days";
import { emptyReport } from "../../sync/run-report";
import { adminHeaders, uniqueId } from "../test-env";
import { createHarness, type Harness, readProblem, T0 } from "./harness";

/** The audience by 30-s slot from T0 (12:00:10, so step i marks slot i of 12:00 and 12:05). */
const SHAPE: Record<string, { slots: number[]; tabs?: number }> = {
  a: { slots: range(0, 20) }, // the whole broadcast
  b: { slots: range(2, 14), tabs: 2 }, // two tabs: credited once
  c: { slots: [...range(5, 10), ...range(12, 17)] }, // drops out, comes back
  d: { slots: range(0, 3) }, // leaves early
  e: { slots: range(8, 12) }, // joins for the peak
};
const SLOT_MS = 30_000;

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/** What the shape implies, computed the obvious way. */
function expected() {
  const perSlot = range(0, 20).map(
    (slot) => Object.values(SHAPE).filter((v) => v.slots.includes(slot)).length,
  );
  const peak = Math.max(...perSlot);
  const seconds = Object.fromEntries(
    Object.entries(SHAPE).map(([viewer, { slots }]) => [viewer, slots.length * 30]),
  );
  const total = Object.values(seconds).reduce((sum, s) => sum + s, 0);
  return { perSlot, peak, peakSlot: perSlot.indexOf(peak), seconds, total };
}

const HOUR_START = T0 - 10_000; // 12:00:00

describe("broadcasts and viewers' watch time", () => {
  let h: Harness;
  let stageId: string;
  const read = async (path: string) => {
    const response = await h.request(path, { headers: adminHeaders });
    expect(response.status, `${path}: ${response.status}`).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  };
  const patch = (status: string) => h.patchStage(stageId, { status });
  const at = (ms: number) => new Date(ms).toISOString();

  beforeAll(async () => {
    // A table of its own: the sync job finds due broadcasts and days across the whole table.
    const table = uniqueId("analytics");
    h = createHarness({ bindings: { DYNAMODB_TABLE: table } });
    await createTable(createDynamoClient(parseConfig(h.env)), table);
    stageId = await h.createStage();
  });

  it("records each broadcast's start and end as the stage goes live, ends and reopens", async () => {
    const tokens = Object.fromEntries(
      await Promise.all(Object.keys(SHAPE).map(async (v) => [v, await h.token(v, stageId, 7200)])),
    ) as Record<string, string>;
    for (const slot of range(0, 20)) {
      for (const [viewer, { slots, tabs }] of Object.entries(SHAPE)) {
        if (!slots.includes(slot)) continue;
        for (let tab = 0; tab < (tabs ?? 1); tab++) {
          expect((await h.heartbeat(stageId, tokens[viewer]!)).status).toBe(200);
        }
      }
      h.advance(SLOT_MS);
      if (slot === 11) expect(await h.sync()).toMatchObject({ windows: 1 }); // 12:06:10
    }
    // 12:10:10: the second window is closed; the stage ends.
    expect((await patch("ended")).status).toBe(200);
    const firstEnd = h.clock.nowMs;
    const listed = await read(`/v1/stages/${stageId}/broadcasts`);
    expect(listed).toMatchObject({
      items: [{ broadcastId: String(T0), stageId, startedAt: at(T0), endedAt: at(firstEnd) }],
      nextCursor: null,
    });
    // Not yet summarised: figures 0, no peak time.
    expect((listed.items as Record<string, unknown>[])[0]).toMatchObject({
      peakViewers: 0,
      peakAt: null,
      uniqueViewers: 0,
    });

    // 12:20:00 reopened: a second broadcast, in which `a` watches 4 slots.
    h.clock.nowMs = HOUR_START + 20 * 60_000;
    expect((await patch("live")).status).toBe(200);
    const secondStart = h.clock.nowMs;
    const again = await h.token("a", stageId);
    for (let i = 0; i < 4; i++) {
      expect((await h.heartbeat(stageId, again)).status).toBe(200);
      h.advance(SLOT_MS);
    }
    expect((await patch("ended")).status).toBe(200);
    const secondEnd = h.clock.nowMs;
    // A PATCH that does not change the status starts and ends nothing.
    expect((await patch("ended")).status).toBe(200);
    const both = await read(`/v1/stages/${stageId}/broadcasts`);
    expect(both.items).toMatchObject([
      { broadcastId: String(secondStart), startedAt: at(secondStart), endedAt: at(secondEnd) },
      { broadcastId: String(T0), endedAt: at(firstEnd) },
    ]);
  });

  it("summarises each broadcast exactly as the audience's shape implies, once its windows are synced", async () => {
    // 12:16:10: the first broadcast ended 6 minutes ago; the second is not due yet.
    h.clock.nowMs = HOUR_START + 16 * 60_000 + 10_000;
    // (the clock went forward to 12:22 in the previous test; the job only looks at its own now)
    expect(await h.sync()).toMatchObject({ broadcasts: 1 });
    const shape = expected();
    const first = await read(`/v1/stages/${stageId}/broadcasts/${T0}`);
    const lengthSec = (Date.parse(String(first.endedAt)) - T0) / 1000;
    const uniques = Object.keys(SHAPE).length;
    expect(first).toEqual({
      broadcastId: String(T0),
      stageId,
      startedAt: at(T0),
      endedAt: first.endedAt,
      peakViewers: shape.peak,
      peakAt: at(HOUR_START + shape.peakSlot * SLOT_MS),
      averageViewers: Math.round((shape.total / lengthSec) * 100) / 100,
      uniqueViewers: uniques,
      uniqueViewersExact: true,
      secondsWatched: shape.total,
      averageSecondsPerViewer: Math.round((shape.total / uniques) * 100) / 100,
    });
    expect(shape).toMatchObject({ peak: 4, peakSlot: 8, total: 1470 }); // the shape, by hand

    // 12:31: the second one's window (12:20) is synced and it ended over 6 minutes ago.
    h.clock.nowMs = HOUR_START + 26 * 60_000;
    expect(await h.sync()).toMatchObject({ windows: 1 });
    h.clock.nowMs = HOUR_START + 31 * 60_000;
    expect(await h.sync()).toMatchObject({ broadcasts: 1 });
    const broadcasts = (await read(`/v1/stages/${stageId}/broadcasts`)).items as Record<
      string,
      unknown
    >[];
    expect(broadcasts[0]).toMatchObject({
      peakViewers: 1,
      peakAt: at(HOUR_START + 20 * 60_000),
      uniqueViewers: 1,
      secondsWatched: 120,
      averageSecondsPerViewer: 120,
      averageViewers: 1,
    });
  });

  it("answers each viewer's watch time for the month: both broadcasts, each slot once", async () => {
    const shape = expected();
    for (const viewer of Object.keys(SHAPE)) {
      const body = await read(`/v1/viewers/${viewer}/watch-time`);
      const seconds = shape.seconds[viewer]! + (viewer === "a" ? 120 : 0);
      expect(body).toEqual({
        viewerId: viewer,
        from: "2026-11-01T00:00:00.000Z",
        to: "2026-12-01T00:00:00.000Z",
        totalSeconds: seconds,
        stages: [{ stageId, seconds }],
      });
    }
    // A viewer who never watched, and a month with nothing: empty, not an error.
    expect(await read("/v1/viewers/nobody/watch-time")).toMatchObject({
      totalSeconds: 0,
      stages: [],
    });
    expect(
      await read("/v1/viewers/a/watch-time?from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z"),
    ).toMatchObject({ totalSeconds: 0 });
    // Range edges: the day itself, and the day after it.
    expect(
      await read("/v1/viewers/a/watch-time?from=2026-11-27T00:00:00Z&to=2026-11-28T00:00:00Z"),
    ).toMatchObject({ totalSeconds: 720 });
    expect(
      await read("/v1/viewers/a/watch-time?from=2026-11-28T00:00:00Z&to=2026-11-29T00:00:00Z"),
    ).toMatchObject({ totalSeconds: 0 });
  });

  it("changes nothing when runs repeat, a run dies mid-write, or the day is written again at its end", async () => {
    const db = createDocumentClient(parseConfig(h.env), SYNC_CALL_DEADLINES.dynamo);
    const table = h.env.DYNAMODB_TABLE!;
    const snapshot = async () => ({
      broadcasts: await read(`/v1/stages/${stageId}/broadcasts`),
      watch: await Promise.all(Object.keys(SHAPE).map((v) => read(`/v1/viewers/${v}/watch-time`))),
    });
    const before = await snapshot();

    // A rerun: nothing is due, nothing changes.
    expect(await h.sync()).not.toHaveProperty("broadcasts");
    expect(await snapshot()).toEqual(before);

    // A run killed after writing some viewers' days but before the summary's UpdateItem: the
    // broadcast is still listed as due, one viewer's item never written. The next run redoes it.
    const endedAt = String((before.broadcasts.items as { endedAt: string }[])[1]!.endedAt);
    const due = broadcastDueKeys(stageId, T0, Date.parse(endedAt));
    await db.send(
      new UpdateCommand({
        TableName: table,
        Key: broadcastKeys(stageId, T0),
        UpdateExpression: "SET gsi1pk = :p, gsi1sk = :s",
        ExpressionAttributeValues: { ":p": due.gsi1pk, ":s": due.gsi1sk },
      }),
    );
    await db.send(
      new DeleteCommand({
        TableName: table,
        Key: { pk: viewerPartition("b"), sk: `DAY#2026-11-27#${stageId}` },
      }),
    );
    expect((await read("/v1/viewers/b/watch-time")).totalSeconds).toBe(0);
    expect(await h.sync()).toMatchObject({ broadcasts: 1 });
    expect(await snapshot()).toEqual(before);

    // The hour ends and is rolled up; the day ends, and its totals are written again from all
    // of its windows: the same figures, not twice them.
    h.clock.nowMs = HOUR_START + 65 * 60_000;
    expect(await h.sync()).toMatchObject({ droppedIndexes: 1 });
    h.clock.nowMs = Date.parse("2026-11-28T00:04:00.000Z");
    expect(await h.sync()).not.toHaveProperty("viewerDays"); // not due before 00:05
    h.clock.nowMs = Date.parse("2026-11-28T00:06:00.000Z");
    expect(await h.sync()).toMatchObject({ viewerDays: 1 });
    expect(await h.sync()).not.toHaveProperty("viewerDays"); // done: no longer listed
    expect(await snapshot()).toEqual(before);
    const items = await db.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": viewerPartition("a") },
      }),
    );
    expect(items.Items?.map((item) => [item.sk, item.seconds])).toEqual([
      [`DAY#2026-11-27#${stageId}`, 720],
    ]);
    db.destroy();
  });

  it("gives the same figures when an audience too large for one pass is summed in slices of its viewers", async () => {
    const config = parseConfig(h.env);
    const db = createDocumentClient(config, SYNC_CALL_DEADLINES.dynamo);
    const stored = await read(`/v1/stages/${stageId}/broadcasts/${T0}`);
    const { broadcastId: _id, stageId: _stage, startedAt, endedAt, ...figures } = stored;
    const sliced = await broadcastFigures(
      db,
      config.dynamodbTable,
      { stageId, startedAt: String(startedAt), endedAt: String(endedAt) },
      { maxViewersPerPass: 1 },
    );
    expect(sliced).toEqual(figures);

    const before = await Promise.all(
      Object.keys(SHAPE).map((v) => read(`/v1/viewers/${v}/watch-time`)),
    );
    for (const viewer of Object.keys(SHAPE)) {
      await db.send(
        new DeleteCommand({
          TableName: config.dynamodbTable,
          Key: { pk: viewerPartition(viewer), sk: `DAY#2026-11-27#${stageId}` },
        }),
      );
    }
    const deps = {
      db,
      tableName: config.dynamodbTable,
      write: {},
      report: emptyReport("sliced", 0),
      maxViewersPerPass: 2,
    };
    expect(await writeViewerDay(deps, stageId, "2026-11-27")).toBe(Object.keys(SHAPE).length);
    expect(
      await Promise.all(Object.keys(SHAPE).map((v) => read(`/v1/viewers/${v}/watch-time`))),
    ).toEqual(before);
    db.destroy();
  });

  it("answers 400 problem+json for bad ranges, ids and cursors, 401 without a key, 404 for unknown ones", async () => {
    const cases: [string, number, string?][] = [
      ["/v1/viewers/a/watch-time?from=2026-11-01T06:00:00Z", 400, "query.from"],
      ["/v1/viewers/a/watch-time?to=2026-11-30T00:00:01Z", 400, "query.to"],
      [
        "/v1/viewers/a/watch-time?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z",
        400,
        "query.from",
      ],
      [
        "/v1/viewers/a/watch-time?from=2025-01-01T00:00:00Z&to=2026-11-01T00:00:00Z",
        400,
        "query.to",
      ],
      ["/v1/viewers/a/watch-time?from=yesterday", 400, "query.from"],
      ["/v1/viewers/not%20an%20id/watch-time", 400, "param.viewerId"],
      [`/v1/stages/${stageId}/broadcasts?cursor=Zm9v`, 400, "query.cursor"],
      [`/v1/stages/${stageId}/broadcasts?limit=0`, 400, "query.limit"],
      [`/v1/stages/${stageId}/broadcasts/yesterday`, 400, "param.broadcastId"],
      [`/v1/stages/${stageId}/broadcasts/123`, 404],
      ["/v1/stages/no-such-stage/broadcasts", 404],
    ];
    for (const [path, status, field] of cases) {
      const response = await h.request(path, { headers: adminHeaders });
      expect(response.status, path).toBe(status);
      const problem = await readProblem(response);
      if (field)
        expect(
          problem.errors?.map((e) => e.path),
          path,
        ).toContain(field);
    }
    for (const path of [`/v1/stages/${stageId}/broadcasts`, "/v1/viewers/a/watch-time"]) {
      const response = await h.request(path);
      expect(response.status, path).toBe(401);
      await readProblem(response);
    }
  });

  it("pages broadcasts newest first with a cursor", async () => {
    const page = await read(`/v1/stages/${stageId}/broadcasts?limit=1`);
    expect((page.items as { broadcastId: string }[]).map((b) => b.broadcastId)).toEqual([
      String(HOUR_START + 20 * 60_000),
    ]);
    expect(page.nextCursor).toEqual(expect.any(String));
    const next = await read(`/v1/stages/${stageId}/broadcasts?limit=1&cursor=${page.nextCursor}`);
    expect(next).toMatchObject({ items: [{ broadcastId: String(T0) }], nextCursor: null });
  });
});
