/**
 * DynamoDB stalled (SIGSTOP) and killed under the admin routes: stage writes (create, PATCH)
 * and history reads answer 503 problem+json with Retry-After within the admin routes'
 * deadline, never a 500; what became of the data; and retries that succeed afterwards.
 */
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient } from "@viewer-presence/shared/clients";
import { ADMIN_ROUTE_DEADLINES } from "@viewer-presence/shared/deadlines";
import { stageKeys } from "@viewer-presence/shared/dynamo-keys";
import { describe, expect, it } from "vitest";
import { adminHeaders, uniqueId } from "../test-env";
import { SLACK_MS, useFaultHarness } from "./harness";

const DYNAMO_DEADLINE_MS = ADMIN_ROUTE_DEADLINES.dynamo.timeoutMs;

const fault = useFaultHarness();

async function timed(path: string, init: RequestInit) {
  const started = performance.now();
  const response = await fault.h.request(path, init);
  return { response, ms: performance.now() - started, body: await response.clone().text() };
}

const create = (id: string, title = "x") =>
  timed("/v1/stages", {
    method: "POST",
    headers: adminHeaders,
    body: JSON.stringify({ id, title }),
  });
const patch = (id: string, body: object) =>
  timed(`/v1/stages/${id}`, { method: "PATCH", headers: adminHeaders, body: JSON.stringify(body) });

async function storedStage(id: string) {
  const db = createDocumentClient(fault.h.config, ADMIN_ROUTE_DEADLINES.dynamo);
  try {
    const { Item } = await db.send(
      new GetCommand({ TableName: fault.h.config.dynamodbTable, Key: stageKeys(id) }),
    );
    return Item;
  } finally {
    db.destroy();
  }
}

function expect503(result: { response: Response; ms: number; body: string }, boundMs: number) {
  expect(result.response.status, result.body).toBe(503);
  expect(result.response.headers.get("content-type")).toBe("application/problem+json");
  expect(result.response.headers.get("retry-after")).toBe("5");
  expect(result.ms).toBeLessThan(boundMs + SLACK_MS);
}

describe("DynamoDB failing under the admin routes", () => {
  it("stalled: history reads and the stage list answer 503 within the deadline; Redis reads go on", async () => {
    const stageId = await fault.h.createStage();
    // A running system: the sync job has marked the Redis registry complete.
    expect((await fault.h.sync()).error).toBeUndefined();
    const paths = [
      `/v1/stages/${stageId}/snapshots`,
      `/v1/stages/${stageId}/viewing-records`,
      "/v1/stages",
    ];
    fault.stack.dynamo.stall();
    let reads: Awaited<ReturnType<typeof timed>>[];
    let stage: Response;
    try {
      reads = await Promise.all(paths.map((path) => timed(path, { headers: adminHeaders })));
      fault.h.advance(11_000); // past the isolate's stage cache: the stage is read from Redis
      stage = await fault.h.request(`/v1/stages/${stageId}`);
    } finally {
      fault.stack.dynamo.resume();
    }
    for (const read of reads) expect503(read, DYNAMO_DEADLINE_MS);
    expect(stage.status).toBe(200);
    console.info(
      `dynamodb stalled: history and list reads 503 after ${reads.map((r) => r.ms.toFixed(0)).join(", ")} ms (deadline ${DYNAMO_DEADLINE_MS} ms)`,
    );
    for (const path of paths)
      expect((await fault.h.request(path, { headers: adminHeaders })).status).toBe(200);
  });

  it("stalled: create and PATCH answer 503 within the deadline", async () => {
    const live = await fault.h.createStage();
    const id = uniqueId("s");
    fault.stack.dynamo.stall();
    let created: Awaited<ReturnType<typeof create>>;
    let patched: Awaited<ReturnType<typeof patch>>;
    try {
      [created, patched] = await Promise.all([create(id), patch(live, { title: "renamed" })]);
    } finally {
      fault.stack.dynamo.resume();
    }
    expect503(created, DYNAMO_DEADLINE_MS);
    expect503(patched, DYNAMO_DEADLINE_MS);
    console.info(
      `dynamodb stalled: create 503 after ${created.ms.toFixed(0)} ms, PATCH 503 after ${patched.ms.toFixed(0)} ms (deadline ${DYNAMO_DEADLINE_MS} ms)`,
    );
    // The resumed server works off what it was sent while stopped: the writes that timed out
    // can still land (a deadline gives up waiting; it cannot call back a request in flight).
    await new Promise((resolve) => setTimeout(resolve, 200));
    const landed = {
      create: (await storedStage(id)) !== undefined,
      patch: (await storedStage(live))?.title === "renamed",
    };
    console.info(
      `after SIGCONT: the timed-out create ${landed.create ? "reached" : "did not reach"} DynamoDB; the timed-out PATCH ${landed.patch ? "reached" : "did not reach"} it`,
    );

    // The clients' retries, once DynamoDB answers: both succeed, and the stage is known to
    // Redis (so to heartbeats) whether or not the first create landed.
    const retriedPatch = await patch(live, { title: "renamed" });
    expect(retriedPatch.response.status).toBe(200);
    expect(await (await fault.h.request(`/v1/stages/${live}`)).json()).toMatchObject({
      title: "renamed",
    });
    const retriedCreate = await create(id);
    expect(retriedCreate.response.status, retriedCreate.body).toBe(201);
    expect((await fault.h.request(`/v1/stages/${id}`)).status).toBe(200);
    expect((await fault.h.beat(id, "viewer")).status).toBe(200);
    // A create of that id asking for something else is still a conflict.
    expect((await create(id, "another title")).response.status).toBe(409);
  });

  it("killed: create and PATCH answer 503 at once, and work again after a restart", async () => {
    const live = await fault.h.createStage();
    const id = uniqueId("s");
    await fault.stack.dynamo.kill();
    const [created, patched] = await Promise.all([create(id), patch(live, { title: "renamed" })]);
    expect503(created, DYNAMO_DEADLINE_MS);
    expect503(patched, DYNAMO_DEADLINE_MS);
    console.info(
      `dynamodb killed: create 503 after ${created.ms.toFixed(0)} ms, PATCH 503 after ${patched.ms.toFixed(0)} ms`,
    );
    // Heartbeats of a known stage go on: they never touch DynamoDB.
    expect((await fault.h.beat(live, "viewer")).status).toBe(200);

    await fault.stack.dynamo.restart();
    expect(await storedStage(id)).toBeUndefined();
    expect((await create(id)).response.status).toBe(201);
    expect((await patch(live, { title: "renamed" })).response.status).toBe(200);
  });
});
