/**
 * Redis losing its data again while the stage registry is being rebuilt after a first loss
 * (a FLUSHALL, or a restart empty, between the rebuild's copy writes and its marker). The
 * rebuild must not set the marker `m` then: a marker over a registry that lacks the copies
 * written before the second loss would make existing stages answer 404 until the next loss.
 *
 * The second loss is timed by a tap on the Redis client (a moment a real server cannot be told
 * to pick): right after the pipeline that wrote the watched stage's copy, it deletes every key
 * of the test's prefix in the real Redis, as a FLUSHALL does to it.
 */
import { createRedis } from "@viewer-presence/shared/clients";
import { describe, expect, it } from "vitest";
import { UNSETTLED_GRACE_MS } from "../../sync/registry/settle-stages";
import { SyncRunError } from "../../sync/run-report";
import type { SyncRedis } from "../../sync/sync-redis";
import { ownTable, syncTestContext } from "../sync/harness";
import { createHarness, type Harness, readProblem } from "./harness";

/** Deletes every key of the harness's prefix: what a FLUSHALL does to it. */
async function loseRedisData(h: Harness): Promise<void> {
  const keys = await h.redis.keys(`${h.env.REDIS_KEY_PREFIX}*`);
  if (keys.length > 0) await h.redis.del(...keys);
}

/** When the tap loses the data: after the pipeline that writes `copyKey` with SET NX (a restore). */
interface LossTap {
  copyKey?: string;
  lose?: () => Promise<void>;
  /** How many times it lost the data (once at most). */
  fired: number;
}

/** `real`, whose pipelines lose the data once, right after the one that restored `tap.copyKey`. */
function tapped<T extends object>(real: T, tap: LossTap): T {
  return new Proxy(real, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== "pipeline" || typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const pipeline = value.apply(target, args) as object;
        let restoresCopy = false;
        return new Proxy(pipeline, {
          get(inner, name, innerReceiver) {
            const method = Reflect.get(inner, name, innerReceiver);
            if (typeof method !== "function") return method;
            if (name === "set") {
              return (key: string, ...rest: unknown[]) => {
                const options = rest[1] as { nx?: boolean } | undefined;
                if (key === tap.copyKey && options?.nx) restoresCopy = true;
                return method.apply(inner, [key, ...rest]);
              };
            }
            if (name === "exec") {
              return async (...execArgs: unknown[]) => {
                const replies = await method.apply(inner, execArgs);
                if (restoresCopy && tap.fired === 0 && tap.lose) {
                  tap.fired++;
                  await tap.lose();
                }
                return replies;
              };
            }
            return method.bind(inner);
          },
        });
      };
    },
  });
}

describe("Redis loses its data again during the registry rebuild", () => {
  it("the edge leaves the marker unset: a heartbeat of an existing stage answers 503, then 200, never 404", async () => {
    const tap: LossTap = { fired: 0 };
    // Its own table: a rebuild lists every stage of the table.
    const table = await ownTable();
    const h = createHarness({
      bindings: table,
      app: { clients: { redis: (...args) => tapped(createRedis(...args), tap) } },
    });
    const stageId = await h.createStage();
    const token = await h.token("amy", stageId);
    expect((await h.heartbeat(stageId, token)).status).toBe(200);

    await loseRedisData(h);
    tap.copyKey = h.keys.stage(stageId);
    tap.lose = () => loseRedisData(h);
    h.advance(10_000); // the registry check is due: this heartbeat notices the loss and rebuilds
    const during = await h.heartbeat(stageId, token);
    expect(tap.fired).toBe(1); // the data was lost between the copy writes and the marker
    expect(during.status).toBe(503);
    expect(during.headers.get("retry-after")).not.toBeNull();
    expect((await readProblem(during)).type).toBe("/problems/store_unavailable");
    expect(await h.redis.exists(h.keys.marker())).toBe(0);

    // The next request rebuilds again, completely this time.
    const after = await h.heartbeat(stageId, token);
    expect(after.status).toBe(200);
    expect(await h.redis.get(h.keys.marker())).toBe("registry");
    expect(await h.redis.sismember(h.keys.stages(), stageId)).toBe(1);
  });

  it("the sync job's restore fails the run and leaves the marker unset: the edge rebuilds, and the next run restores", async () => {
    const tap: LossTap = { fired: 0 };
    const table = await ownTable();
    const h = createHarness({ bindings: table });
    const t = syncTestContext({ REDIS_KEY_PREFIX: h.env.REDIS_KEY_PREFIX!, ...table });
    const stageId = await h.createStage();
    const token = await h.token("amy", stageId);
    expect((await h.heartbeat(stageId, token)).status).toBe(200);
    // A run once the create's unsettled mark is past its grace drops it: the restore alone puts
    // the stage back below (settling it would write its copy again, after the second loss).
    t.clock.nowMs = h.clock.nowMs + UNSETTLED_GRACE_MS;
    await t.run();

    await loseRedisData(h);
    tap.copyKey = t.keys.stage(stageId);
    tap.lose = () => loseRedisData(h);
    const failure = await t.run({}, { redis: tapped<SyncRedis>(t.redis, tap) }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(tap.fired).toBe(1); // the data was lost between the copy writes and the marker
    const markerAfterRun = await t.redis.get(t.keys.marker());

    // An isolate that never saw the stage: Redis has no copy, and must not claim it is complete.
    const edge = createHarness({
      bindings: { REDIS_KEY_PREFIX: h.env.REDIS_KEY_PREFIX!, ...table },
    });
    expect((await edge.heartbeat(stageId, await edge.token("bob", stageId))).status).toBe(200);
    // The run said it could not restore, and left the marker unset for the edge to rebuild.
    expect(markerAfterRun).toBeNull();
    expect(failure).toBeInstanceOf(SyncRunError);
    expect((failure as SyncRunError).report.errors).toEqual(
      expect.arrayContaining([expect.stringMatching(/^restore: /)]),
    );

    t.clock.nowMs += 60_000;
    await t.run();
    expect(await t.redis.get(t.keys.marker())).toBe("full");
  });
});
