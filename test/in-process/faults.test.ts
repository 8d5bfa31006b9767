import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient, createRedis } from "@viewer-presence/shared/clients";
import { parseConfig } from "@viewer-presence/shared/config";
import { ADMIN_ROUTE_DEADLINES, SYNC_CALL_DEADLINES } from "@viewer-presence/shared/deadlines";
import { stageKeys } from "@viewer-presence/shared/dynamo-keys";
import { listUnsettledMarks } from "@viewer-presence/shared/unsettled-stages";
import { describe, expect, it } from "vitest";
import { UNSETTLED_GRACE_MS } from "../../sync/registry/settle-stages";
import { runSync } from "../../sync/run-sync";
import { adminHeaders, uniqueId } from "../test-env";
import { createHarness, readProblem } from "./harness";

/** A DynamoDB client that counts calls and can be told to fail (a fault the local server cannot produce on demand). */
function countingDynamo() {
  /** `failFromSend`: every call from that count on fails too (a store failing mid-request). */
  const state = {
    sends: 0,
    /** Queries of the stage index: listings of every stage (a registry rebuild). */
    stageListings: 0,
    failing: false,
    failFromSend: Number.POSITIVE_INFINITY,
  };
  const factory = (config: Parameters<typeof createDocumentClient>[0]) => {
    const real = createDocumentClient(config, ADMIN_ROUTE_DEADLINES.dynamo);
    return {
      send: ((command: never) => {
        state.sends++;
        if ((command as { input?: { IndexName?: string } }).input?.IndexName !== undefined) {
          state.stageListings++;
        }
        if (state.failing || state.sends >= state.failFromSend)
          return Promise.reject(new Error("DynamoDB unreachable (injected)"));
        return real.send(command);
      }) as typeof real.send,
    };
  };
  return { state, factory };
}

describe("when a store fails", () => {
  it("answers 503 problem+json with Retry-After when Redis is unreachable", async () => {
    const good = createHarness();
    const stageId = await good.createStage();
    const token = await good.token("viewer", stageId);
    const down = createHarness({
      bindings: {
        UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9",
        REDIS_KEY_PREFIX: good.env.REDIS_KEY_PREFIX!,
      },
    });
    for (const [path, init] of [
      [
        `/v1/stages/${stageId}/heartbeats`,
        { method: "POST", headers: { authorization: `Bearer ${token}` } },
      ],
      [`/v1/stages/${stageId}/viewers`, {}],
      ["/v1/viewers", {}],
      ["/health", {}],
    ] as [string, RequestInit][]) {
      const response = await down.request(path, init);
      expect(response.status, path).toBe(503);
      expect(response.headers.get("retry-after")).toBe("5");
      expect((await readProblem(response)).type).toBe("/problems/store_unavailable");
    }
  });

  it("creates no stage when DynamoDB fails, and nothing reaches Redis", async () => {
    const dynamo = countingDynamo();
    const h = createHarness({ app: { clients: { dynamo: dynamo.factory } } });
    dynamo.state.failing = true;
    const id = uniqueId("s");
    const response = await h.postStage({ id, title: "x" });
    expect(response.status).toBe(503);
    expect(await h.redis.exists(h.keys.stage(id))).toBe(0);
    expect((await h.request("/v1/stages", { headers: adminHeaders })).status).toBe(503);
  });

  it("keeps a create or PATCH whose Redis write failed: 503 partially_applied; its retry, or else the sync job, puts it in force", async () => {
    let breakRedisWrites = false;
    const h = createHarness({
      app: {
        clients: {
          redis: (config, deadline, database) => {
            const real = createRedis(config, deadline, database);
            return new Proxy(real, {
              get(target, property, receiver) {
                const value = Reflect.get(target, property, receiver);
                if (property !== "pipeline" || !breakRedisWrites) return value;
                // Stage copies are written with one script call (shared/stage-copies.ts), sent
                // in a pipeline (shared/pipeline-scripts.ts): such a pipeline fails, unsent.
                return () => scriptsFail(value.call(target));
              },
            });
          },
        },
      },
    });
    const config = parseConfig(h.env);
    const stored = async (id: string) =>
      (
        await createDocumentClient(config, ADMIN_ROUTE_DEADLINES.dynamo).send(
          new GetCommand({ TableName: config.dynamodbTable, Key: stageKeys(id) }),
        )
      ).Item;
    const create = (id: string) => h.postStage({ id, title: "x" });
    const patch = (id: string) => h.patchStage(id, { status: "ended", title: "After" });
    const [retriedPatch, unretriedPatch] = [await h.createStage(), await h.createStage()];
    const [retriedCreate, unretriedCreate] = [uniqueId("s"), uniqueId("s")];
    await h.sync(); // the registry is complete ("full"): no restore will copy stages over

    breakRedisWrites = true;
    const failed = [
      await create(retriedCreate),
      await create(unretriedCreate),
      await patch(retriedPatch),
      await patch(unretriedPatch),
    ];
    breakRedisWrites = false;
    for (const answer of failed) {
      expect(answer.status).toBe(503);
      expect(answer.headers.get("retry-after")).toBe("5");
      const problem = await readProblem(answer);
      expect(problem.type).toBe("/problems/partially_applied");
      expect(problem.detail).toMatch(/stored but not yet in force/);
    }
    // DynamoDB, the truth, keeps every write: none is undone (an undo could race the Redis
    // write it undoes, which may still land).
    for (const id of [retriedCreate, unretriedCreate]) expect(await stored(id)).toBeDefined();
    for (const id of [retriedPatch, unretriedPatch]) {
      expect(await stored(id)).toMatchObject({ status: "ended", title: "After" });
    }
    expect(await h.redis.exists(h.keys.stage(unretriedCreate))).toBe(0);
    expect(await h.redis.get(h.keys.stage(unretriedPatch))).toMatchObject({ status: "live" });

    // The retries finish their writes at once.
    expect((await create(retriedCreate)).status).toBe(201);
    expect((await patch(retriedPatch)).status).toBe(200);
    expect((await h.request(`/v1/stages/${retriedCreate}`)).status).toBe(200);
    expect(await h.redis.get(h.keys.stage(retriedPatch))).toMatchObject({ title: "After" });

    // The others are put in force by the next sync run, from DynamoDB.
    expect(await h.sync()).toMatchObject({ settledStages: 2 });
    expect((await h.request(`/v1/stages/${unretriedCreate}`)).status).toBe(200);
    expect(await h.redis.get(h.keys.stage(unretriedPatch))).toMatchObject({
      status: "ended",
      title: "After",
    });
    const token = await h.token("viewer", unretriedCreate);
    expect((await h.heartbeat(unretriedCreate, token)).status).toBe(200);
  });

  it("puts in force a create or PATCH whose DynamoDB answer timed out but whose write landed", async () => {
    // The write reaches DynamoDB, the answer does not come back in time: what a stalled
    // DynamoDB does (test/faults/ shows it for real); here the answer is dropped on demand.
    let loseAnswers = false;
    const h = createHarness({
      app: {
        clients: {
          dynamo: (config) => {
            const real = createDocumentClient(config, ADMIN_ROUTE_DEADLINES.dynamo);
            return {
              send: (async (command: { input?: unknown }) => {
                const output = await real.send(command as never);
                // The stage's own item, not the unsettled mark written just before it.
                const stageWrite = JSON.stringify(command.input).includes('"sk":"CONFIG"');
                if (loseAnswers && stageWrite) {
                  throw new DOMException("deadline (injected)", "TimeoutError");
                }
                return output;
              }) as typeof real.send,
            };
          },
        },
      },
    });
    const config = parseConfig(h.env);
    const db = createDocumentClient(config, SYNC_CALL_DEADLINES.dynamo);
    const sync = () =>
      runSync({
        redis: createRedis(config, SYNC_CALL_DEADLINES.redis),
        db: createDocumentClient(config, SYNC_CALL_DEADLINES.dynamo),
        config,
        now: () => h.clock.nowMs,
        log: () => {},
      });
    const live = await h.createStage();
    const token = await h.token("viewer", live);
    expect((await h.heartbeat(live, token)).status).toBe(200);
    await sync(); // the registry is complete ("full"): no restore will copy stages over

    loseAnswers = true;
    const created = uniqueId("s");
    const create = await h.postStage({ id: created, title: "Late" });
    const end = await h.patchStage(live, { status: "ended" });
    loseAnswers = false;
    expect([create.status, end.status]).toEqual([503, 503]);
    // Both landed in DynamoDB, neither is in force: Redis still has the old registry. Both
    // were marked unsettled in DynamoDB before they were written.
    const marked = async () =>
      (await listUnsettledMarks(db, config.dynamodbTable, config.redisKeyPrefix)).map(
        (mark) => mark.stageId,
      );
    expect(await marked()).toEqual(expect.arrayContaining([created, live]));
    h.advance(10_000);
    expect((await h.heartbeat(live, token)).status).toBe(200);

    const report = await sync();
    expect(report).toMatchObject({ settledStages: 2 });
    h.advance(10_000);
    await h.heartbeat(live, token); // carries the registry check: the version moved
    expect((await h.heartbeat(live, token)).status).toBe(410);
    const newToken = await h.token("viewer", created);
    expect((await h.heartbeat(created, newToken)).status).toBe(200);
    // The marks outlive that run by the grace a late write may take to land, then go.
    expect(await marked()).toEqual(expect.arrayContaining([created, live]));
    h.advance(UNSETTLED_GRACE_MS);
    expect(await sync()).not.toHaveProperty("settledStages");
    expect(await marked()).not.toEqual(expect.arrayContaining([created]));
    expect(await marked()).not.toEqual(expect.arrayContaining([live]));
  });

  it("rebuilds the stage registry from DynamoDB when Redis lost its data", async () => {
    const dynamo = countingDynamo();
    const h = createHarness({ app: { clients: { dynamo: dynamo.factory } } });
    const stageId = await h.createStage();
    const token = await h.token("viewer", stageId);
    expect((await h.heartbeat(stageId, token)).status).toBe(200);

    // Redis loses everything of this deployment (its prefix): registry, marker, presence.
    const keys = await h.redis.keys(`${h.env.REDIS_KEY_PREFIX}*`);
    await h.redis.del(...keys);
    // A fresh isolate, as after a deploy: nothing cached.
    const fresh = createHarness({
      bindings: { REDIS_KEY_PREFIX: h.env.REDIS_KEY_PREFIX! },
      app: { clients: { dynamo: dynamo.factory } },
    });
    const response = await fresh.heartbeat(stageId, token);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ viewers: 1 });
    expect(await fresh.redis.exists(fresh.keys.marker(), fresh.keys.stage(stageId))).toBe(2);
  });

  it("rebuilds the registry once for many stages' heartbeats that notice the loss together", async () => {
    const dynamo = countingDynamo();
    const h = createHarness({ app: { clients: { dynamo: dynamo.factory } } });
    const stages = await Promise.all(Array.from({ length: 6 }, () => h.createStage()));
    const tokens = await Promise.all(stages.map((stageId) => h.token("viewer", stageId)));
    await h.redis.del(...(await h.redis.keys(`${h.env.REDIS_KEY_PREFIX}*`)));
    const fresh = createHarness({
      bindings: { REDIS_KEY_PREFIX: h.env.REDIS_KEY_PREFIX! },
      app: { clients: { dynamo: dynamo.factory } },
    });
    dynamo.state.stageListings = 0;
    const answers = await Promise.all(
      stages.map((stageId, i) => fresh.heartbeat(stageId, tokens[i]!)),
    );
    expect(answers.map((answer) => answer.status)).toEqual(stages.map(() => 200));
    expect(dynamo.state.stageListings).toBe(1);
  });

  it("turns random stage ids into no DynamoDB reads once the registry is complete", async () => {
    const dynamo = countingDynamo();
    const h = createHarness({ app: { clients: { dynamo: dynamo.factory } } });
    await h.createStage();
    const token = await h.token("v", "x");
    await h.heartbeat("x", token); // the first lookup may restore the registry (the prefix is new)
    const before = dynamo.state.sends;
    for (let i = 0; i < 20; i++) {
      const id = uniqueId("rnd");
      expect((await h.heartbeat(id, await h.token("v", id))).status).toBe(404);
      expect((await h.request(`/v1/stages/${id}`)).status).toBe(404);
    }
    expect(dynamo.state.sends).toBe(before);
  });

  it("keeps counting in an isolate that knew the stage when Redis lost its data", async () => {
    const h = createHarness();
    const stageId = await h.createStage();
    const token = await h.token("viewer", stageId);
    expect((await h.heartbeat(stageId, token)).status).toBe(200);
    await h.redis.del(...(await h.redis.keys(`${h.env.REDIS_KEY_PREFIX}*`)));
    h.advance(10_000); // the isolate's copy of the stage is due for a re-read
    expect((await h.heartbeat(stageId, token)).status).toBe(200); // re-reads: gone from Redis
    h.advance(1_000);
    expect((await h.heartbeat(stageId, token)).status).toBe(200); // checks, restores, counts
    expect(await h.redis.exists(h.keys.marker(), h.keys.stage(stageId))).toBe(2);
  });
});

/** `pipeline`, whose request fails unsent when it carries a script call. */
function scriptsFail<T extends object>(pipeline: T): T {
  let scripted = false;
  return new Proxy(pipeline, {
    get(inner, name, receiver) {
      const method = Reflect.get(inner, name, receiver);
      if (typeof method !== "function") return method;
      if (name === "evalsha" || name === "eval") {
        return (...args: unknown[]) => {
          scripted = true;
          return method.apply(inner, args);
        };
      }
      if (name === "exec" && scripted) {
        return () => Promise.reject(new Error("connection reset (injected)"));
      }
      return method.bind(inner);
    },
  });
}
