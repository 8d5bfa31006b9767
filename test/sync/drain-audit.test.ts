import { AUDIT_ITEM_TYPE } from "@viewer-presence/shared/dynamo-keys";
import { describe, expect, it } from "vitest";
import { SyncRunError } from "../../sync/run-report";
import { faultyRedis, type SyncTestContext, syncTestContext, T0 } from "./harness";

const MIN = 60_000;

/** Appends events as the edge does (`XADD a:<stage> * v <viewer> t <ms>`); returns their ids. */
async function appendEvents(t: SyncTestContext, stageId: string, count: number) {
  const pipeline = t.redis.pipeline();
  for (let i = 0; i < count; i++) {
    pipeline.xadd(t.keys.audit(stageId), "*", { v: i === 0 ? "1e5" : `viewer-${i}`, t: T0 + i });
  }
  return (await pipeline.exec<string[]>()).map(String);
}

async function storedEvents(t: SyncTestContext, stageId: string, ids: string[]) {
  const days = new Set(
    ids.map((id) => new Date(Number(id.split("-")[0])).toISOString().slice(0, 10)),
  );
  const items = [];
  for (const day of days) items.push(...(await t.query(`AUDIT#${stageId}#${day}`)));
  return items;
}

describe("audit trail drain", () => {
  it("moves every stream entry to DynamoDB, empties the stream, and a rerun adds nothing", async () => {
    const t = syncTestContext();
    const stageId = t.stageId();
    const ids = await appendEvents(t, stageId, 1200);
    t.clock.nowMs = T0 + 5 * MIN;
    const report = await t.run();
    expect(report).toMatchObject({ auditEvents: 1200, items: 1200, writeUnits: 1200 });
    expect(await t.redis.xlen(t.keys.audit(stageId))).toBe(0);

    const stored = await storedEvents(t, stageId, ids);
    expect(stored).toHaveLength(1200);
    const first = stored.find((item) => item.sk === ids[0]);
    expect(first).toEqual({
      pk: `AUDIT#${stageId}#${new Date(Number(ids[0]!.split("-")[0])).toISOString().slice(0, 10)}`,
      sk: ids[0],
      type: AUDIT_ITEM_TYPE,
      stageId,
      viewerId: "1e5", // raw replies: a numeric-looking id stays a string
      at: new Date(T0).toISOString(),
    });

    expect(await t.run()).toMatchObject({ auditEvents: 0, items: 0 });
    expect(await storedEvents(t, stageId, ids)).toHaveLength(1200);
  });

  it("rewrites, never duplicates, entries whose XDEL did not happen", async () => {
    const t = syncTestContext();
    const stageId = t.stageId();
    const ids = await appendEvents(t, stageId, 30);
    t.clock.nowMs = T0 + 5 * MIN;
    const failed = await t
      .run({}, { redis: faultyRedis(t.redis, new Set(["xdel"])) })
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(SyncRunError);
    expect((failed as SyncRunError).report.errors?.[0]).toMatch(/^audit:/);
    expect(await t.redis.xlen(t.keys.audit(stageId))).toBe(30);

    expect(await t.run({ auditTtlDays: 400 })).toMatchObject({ auditEvents: 30 });
    const stored = await storedEvents(t, stageId, ids);
    expect(stored).toHaveLength(30);
    expect(stored[0]!.ttl).toBe(Math.floor((T0 + 5 * MIN) / 1000) + 400 * 86_400);
  });
});
