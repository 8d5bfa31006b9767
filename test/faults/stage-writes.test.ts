/**
 * Stage writes (create, PATCH) while Redis fails. DynamoDB is the truth for stages: a write
 * answered 503 may still reach Redis later (a stalled redis-server runs what its connection
 * queued once it runs again: a client's deadline gives up waiting, it cannot call a command
 * back), or never; either way, once the sync job has run, every Redis copy of a stage, and so
 * every heartbeat, token and `getStage`, says what DynamoDB and `listStages` say.
 *
 * Two databases, so that a spread stage (`databases: 2`) has a part and a home.
 */
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { Redis } from "@upstash/redis";
import { createDocumentClient } from "@viewer-presence/shared/clients";
import { ADMIN_ROUTE_DEADLINES } from "@viewer-presence/shared/deadlines";
import { stageKeys } from "@viewer-presence/shared/dynamo-keys";
import { stageDatabases, viewerDatabase } from "@viewer-presence/shared/rendezvous";
import { type Stage, toStage } from "@viewer-presence/shared/stage";
import { describe, expect, it } from "vitest";
import { createHarness } from "../in-process/harness";
import { adminHeaders, uniqueId } from "../test-env";
import { useFaultHarness } from "./harness";

const fault = useFaultHarness(undefined, { databases: 2 });

const urls = () => fault.stack.databases.map(({ proxy }) => proxy.url);
const direct = () =>
  fault.stack.databases.map(
    ({ proxy }) => new Redis({ url: proxy.url, token: proxy.token, enableTelemetry: false }),
  );

const create = (body: { id: string; title: string; databases?: number }) => fault.h.postStage(body);
const patch = (id: string, body: object) => fault.h.patchStage(id, body);

/** A stage id whose home (first database) is `home`, spread over `databases`. */
function idHomedOn(home: number, databases = 1): string {
  for (;;) {
    const id = uniqueId("s");
    if (stageDatabases(urls(), { id, databases })[0] === home) return id;
  }
}

/** Runs `write` with the redis-servers of `databases` stopped (SIGSTOP), then resumes them. */
async function withStalled<T>(databases: readonly number[], write: () => Promise<T>): Promise<T> {
  for (const database of databases) fault.stack.databases[database]!.redis.stall();
  try {
    return await write();
  } finally {
    for (const database of databases) fault.stack.databases[database]!.redis.resume();
  }
}

/**
 * Waits until each database ran what it was sent while stopped: the proxy sends every request
 * on one connection, in order, so a PING answered now comes after the queued writes.
 */
async function queuedWritesLanded(): Promise<void> {
  for (const redis of direct()) expect(await redis.ping()).toBe("PONG");
}

function expectUnavailable(response: Response) {
  expect(response.status).toBe(503);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  expect(response.headers.get("retry-after")).toBe("5");
}

async function storedStage(id: string): Promise<Stage | undefined> {
  const db = createDocumentClient(fault.h.config, ADMIN_ROUTE_DEADLINES.dynamo);
  try {
    const { Item } = await db.send(
      new GetCommand({
        TableName: fault.h.config.dynamodbTable,
        Key: stageKeys(id),
        ConsistentRead: true,
      }),
    );
    return Item === undefined ? undefined : toStage(Item);
  } finally {
    db.destroy();
  }
}

/** Every stage `listStages` answers, every page. */
async function listedStages(): Promise<Stage[]> {
  const stages: Stage[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`;
    const response = await fault.h.request(`/v1/stages?limit=100${query}`, {
      headers: adminHeaders,
    });
    expect(response.status).toBe(200);
    const page = (await response.json()) as { items: Stage[]; nextCursor: string | null };
    stages.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return stages;
}

/**
 * Asserts that Redis says what DynamoDB says about a stage: `listStages` (DynamoDB) and
 * `getStage` (Redis) answer the same; each database holds DynamoDB's copy exactly where the
 * stage lives (nowhere if DynamoDB has no such stage); and a viewer in each of its databases
 * gets the answer DynamoDB's status calls for (heartbeat 200 / 410 / 404, token 201 / 410 /
 * 404), both in a new isolate and in the isolate that served the writes once its cache is due
 * for a check.
 */
async function expectRedisAgrees(id: string, requested: { databases?: number } = {}) {
  const stored = await storedStage(id);
  expect((await listedStages()).find((stage) => stage.id === id)).toEqual(stored);

  const holders = stageDatabases(urls(), stored ?? { id, ...requested });
  const redis = direct();
  for (const [database, client] of redis.entries()) {
    const copy = await client.get<Record<string, unknown>>(fault.h.keys.stage(id));
    const expected = holders.includes(database) ? stored : undefined;
    expect(copy === null ? undefined : toStage(copy), `copy in database ${database}`).toEqual(
      expected,
    );
    expect(await client.sismember(fault.h.keys.stages(), id)).toBe(expected ? 1 : 0);
  }

  const heartbeat = stored === undefined ? 404 : stored.status === "live" ? 200 : 410;
  fault.h.advance(10_000); // past the isolate's stage cache: it checks the registry again
  const fresh = createHarness({ bindings: { ...fault.h.env } });
  fresh.clock.nowMs = fault.h.clock.nowMs;
  for (const isolate of [fresh, fault.h]) {
    const got = await isolate.request(`/v1/stages/${id}`);
    expect(got.status).toBe(stored === undefined ? 404 : 200);
    if (stored !== undefined) expect(await got.json()).toEqual(stored);
    // One viewer in each database the stage spreads over.
    for (const database of holders) {
      let viewer = 0;
      while (viewerDatabase(urls(), stored ?? { id, ...requested }, `v${viewer}`) !== database) {
        viewer++;
      }
      const token = await isolate.token(`v${viewer}`, id);
      const beat = await isolate.heartbeat(id, token);
      expect(beat.status, `heartbeat in database ${database}: ${await beat.text()}`).toBe(
        heartbeat,
      );
    }
    const issued = await isolate.request(`/v1/stages/${id}/viewer-tokens`, {
      method: "POST",
      headers: adminHeaders,
      body: JSON.stringify({ viewerId: "someone" }),
    });
    expect(issued.status).toBe(heartbeat === 200 ? 201 : heartbeat);
  }
}

/** A stage created and watched before the fault, its isolate cache warm, the registry full. */
async function liveStage(id: string, databases?: number): Promise<string> {
  const created = await create({ id, title: "Before", ...(databases ? { databases } : {}) });
  expect(created.status, await created.text()).toBe(201);
  const token = await fault.h.token("v0", id);
  expect((await fault.h.heartbeat(id, token)).status).toBe(200);
  return id;
}

/**
 * Sends `write` with the redis-servers of `databases` stopped for a few seconds (the admin
 * routes' Redis deadline is 2 s; the stop lasts a while longer, as an outage would), expects
 * its 503, and waits until what they were sent meanwhile has run; then one sync run.
 */
async function answeredWhileStalled(
  databases: readonly number[],
  write: () => Response | Promise<Response>,
) {
  let ms = 0;
  const answer = await withStalled(databases, async () => {
    const started = performance.now();
    const response = await write();
    ms = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    return response;
  });
  expectUnavailable(answer);
  const { type } = (await answer.clone().json()) as { type: string };
  console.info(`redis stalled: stage write answered 503 ${type} after ${ms.toFixed(0)} ms`);
  await queuedWritesLanded();
  const run = await fault.h.sync();
  expect(run.error).toBeUndefined();
}

describe("stage writes answered 503 while Redis failed", () => {
  it("stalled: a create converges to DynamoDB after one sync run", async () => {
    const id = uniqueId("s");
    await answeredWhileStalled([0, 1], () => create({ id, title: "Created" }));
    await expectRedisAgrees(id);
  });

  it("stalled: a PATCH (end + retitle) converges to DynamoDB after one sync run", async () => {
    const id = await liveStage(uniqueId("s"));
    expect((await fault.h.sync()).error).toBeUndefined();
    await answeredWhileStalled([0, 1], () => patch(id, { status: "ended", title: "After" }));
    await expectRedisAgrees(id);
  });

  it("unreachable: a create and a PATCH whose Redis writes never arrive converge after one sync run", async () => {
    const patched = await liveStage(uniqueId("s"));
    expect((await fault.h.sync()).error).toBeUndefined();
    const created = uniqueId("s");

    // The proxies drop every request: nothing reaches Redis, not even a mark for the sync job.
    for (const { proxy } of fault.stack.databases) proxy.pause();
    let answers: Response[];
    try {
      answers = await Promise.all([
        create({ id: created, title: "Created" }),
        patch(patched, { status: "ended", title: "After" }),
      ]);
    } finally {
      for (const { proxy } of fault.stack.databases) proxy.resume();
    }
    for (const answer of answers) expectUnavailable(answer);

    const run = await fault.h.sync();
    expect(run.error).toBeUndefined();
    await expectRedisAgrees(created);
    await expectRedisAgrees(patched);
  });

  // A spread stage homed on database 0 with its part on database 1: the part's copy is written
  // first and lands, the home's stalls.
  it("stalled home: a create of a spread stage converges in part and home after one sync run", async () => {
    const id = idHomedOn(0, 2);
    await answeredWhileStalled([0], () => create({ id, title: "Created", databases: 2 }));
    await expectRedisAgrees(id, { databases: 2 });
  });

  it("stalled home: a PATCH of a spread stage converges in part and home after one sync run", async () => {
    const id = await liveStage(idHomedOn(0, 2), 2);
    expect((await fault.h.sync()).error).toBeUndefined();
    await answeredWhileStalled([0], () => patch(id, { status: "ended", title: "After" }));
    await expectRedisAgrees(id, { databases: 2 });
  });
});
