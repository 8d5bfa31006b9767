import { parseConfig } from "@viewer-presence/shared/config";
import { databaseForStage } from "@viewer-presence/shared/rendezvous";
import { describe, expect, it } from "vitest";
import { runSync } from "../../sync/run-sync";
import { syncOnce } from "../../sync/sync-once";
import { localStackPerFile } from "../stack/stack-per-file";
import { uniqueId } from "../test-env";
import { severalDatabases } from "./databases-harness";
import { T0 } from "./harness";

const DATABASES = 3;
const stack = localStackPerFile({ databases: DATABASES });

function setup() {
  const t = severalDatabases(stack());
  const createStage = async (id: string) => {
    expect((await t.createStage({ id, title: id })).status).toBe(201);
  };
  return { ...t, createStage };
}

/** Stage ids, at least one held by each database. */
function stagesOverEveryDatabase(urls: readonly string[]): string[] {
  const ids: string[] = [];
  const covered = new Set<number>();
  while (covered.size < urls.length || ids.length < 6) {
    const id = uniqueId("db");
    ids.push(id);
    covered.add(databaseForStage(urls, id));
  }
  return ids;
}

describe("several Upstash databases", () => {
  it("keeps each stage in its own database, heartbeats going there only; totals sum them all", async () => {
    const t = setup();
    const stageIds = stagesOverEveryDatabase(t.urls);
    for (const id of stageIds) await t.createStage(id);
    // Two first heartbeats per stage: each database's registry is built and its scripts loaded
    // (the second, on a stage the isolate holds, shares its count: a script of its own).
    for (const id of stageIds) {
      expect((await t.beat(id, "viewer-0")).status).toBe(200);
      expect((await t.beat(id, "viewer-0")).status).toBe(200);
    }
    for (const [i, id] of stageIds.entries()) {
      const home = databaseForStage(t.urls, id);
      expect(await t.direct[home]!.exists(t.keys.stage(id))).toBe(1);
      for (const [other, redis] of t.direct.entries()) {
        if (other !== home) expect(await redis.exists(t.keys.stage(id))).toBe(0);
      }
      const before = stack().databases.map(({ proxy }) => proxy.stats().requests);
      for (let v = 1; v <= i; v++) expect((await t.beat(id, `viewer-${v}`)).status).toBe(200);
      const after = stack().databases.map(({ proxy }) => proxy.stats().requests);
      after.forEach((requests, database) => {
        expect(requests - before[database]!, `database ${database}`).toBe(
          database === home ? i : 0,
        );
      });
    }
    for (const [i, id] of stageIds.entries()) {
      const response = await t.request(`/v1/stages/${id}/viewers`);
      expect(((await response.json()) as { viewers: number }).viewers).toBe(i + 1);
    }
    const totals = (await (await t.request("/v1/viewers")).json()) as Record<string, number>;
    const expected = (stageIds.length * (stageIds.length + 1)) / 2;
    expect(totals).toMatchObject({ viewers: expected, activeStages: stageIds.length });
    expect((await t.request("/health")).status).toBe(200);
  });

  it("syncs every database's windows in one job run", async () => {
    const t = setup();
    const stageIds = stagesOverEveryDatabase(t.urls);
    for (const id of stageIds) await t.createStage(id);
    for (const id of stageIds) expect((await t.beat(id, "v")).status).toBe(200);
    const report = await syncOnce(parseConfig(t.env), {
      now: () => T0 + 5 * 60_000,
      log: () => {},
    });
    expect(report).toMatchObject({ databases: DATABASES, windows: stageIds.length });
    expect(report.errors).toBeUndefined();
  });

  it("chooses the budget's interval from the audience of every database, and tells each", async () => {
    const t = setup();
    const stageIds = stagesOverEveryDatabase(t.urls);
    for (const id of stageIds) await t.createStage(id);
    for (const id of stageIds) expect((await t.beat(id, "v")).status).toBe(200);
    const report = await syncOnce(parseConfig({ ...t.env, HOT_PATH_BUDGET_USD: "0.01" }), {
      now: () => T0 + 60_000,
      log: () => {},
    });
    expect(report.liveViewers).toBe(stageIds.length);
    for (const redis of t.direct) {
      const chosen = await redis.get(t.keys.heartbeatInterval()); // the client parses JSON
      expect(chosen).toMatchObject({
        viewers: stageIds.length,
        intervalSec: report.heartbeatIntervalSec,
      });
    }
  });

  it("rebuilds, in a database that lost its data, only the stages it holds", async () => {
    const t = setup();
    const stageIds = stagesOverEveryDatabase(t.urls);
    for (const id of stageIds) await t.createStage(id);
    const lost = databaseForStage(t.urls, stageIds[0]!);
    // This deployment's keys in that database are gone (as after a flush of its own prefix).
    const gone = await t.direct[lost]!.keys(`${t.env.REDIS_KEY_PREFIX}*`);
    await t.direct[lost]!.del(...gone);
    const config = parseConfig(t.env);
    const report = await runSync(
      {
        redis: t.direct[lost]! as never,
        db: (await import("@viewer-presence/shared/clients")).createDocumentClient(config, {
          timeoutMs: 5_000,
        }),
        config,
        now: () => T0,
        log: () => {},
        holds: (stage) => databaseForStage(t.urls, stage.id) === lost,
      },
      {},
    );
    const held = stageIds.filter((id) => databaseForStage(t.urls, id) === lost);
    expect(report.restored?.stages).toBeGreaterThanOrEqual(held.length);
    const members = (await t.direct[lost]!.smembers(t.keys.stages())).map(String);
    for (const id of stageIds) expect(members.includes(id)).toBe(held.includes(id));
  });
});
