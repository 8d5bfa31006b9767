/**
 * A broadcast's start or end is written after the stage change is in force; when DynamoDB does
 * not answer that write, the client gets a 503 whose retry finishes it, and the sync job's
 * settle step finishes it anyway (DynamoDB failing on demand is a fault the local server cannot
 * produce, so the client is wrapped).
 */

import { createDocumentClient } from "@viewer-presence/shared/clients";
import { parseConfig } from "@viewer-presence/shared/config";
import { ADMIN_ROUTE_DEADLINES } from "@viewer-presence/shared/deadlines";
import { listUnsettledMarks } from "@viewer-presence/shared/unsettled-stages";
import { describe, expect, it } from "vitest";
import { adminHeaders, uniqueId } from "../test-env";
import { createHarness, readProblem } from "./harness";

/** A DynamoDB client whose calls on broadcast items fail while `failing` is set. */
function failingBroadcasts() {
  const state = { failing: false };
  const factory = (config: Parameters<typeof createDocumentClient>[0]) => {
    const real = createDocumentClient(config, ADMIN_ROUTE_DEADLINES.dynamo);
    return {
      send: ((command: { input?: unknown }) => {
        if (state.failing && JSON.stringify(command.input ?? {}).includes("BROADCAST#")) {
          return Promise.reject(new Error("DynamoDB unreachable (injected)"));
        }
        return real.send(command as never);
      }) as typeof real.send,
    };
  };
  return { state, factory };
}

describe("a broadcast write that fails", () => {
  it("answers 503 with the stage change in force; a retry or the sync job records the broadcast", async () => {
    const dynamo = failingBroadcasts();
    const h = createHarness({ app: { clients: { dynamo: dynamo.factory } } });
    const stageId = uniqueId("s");
    const create = () => h.postStage({ id: stageId, title: "Faulty" });
    const broadcasts = async () => {
      const response = await h.request(`/v1/stages/${stageId}/broadcasts`, {
        headers: adminHeaders,
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as { items: { startedAt: string; endedAt: string | null }[] })
        .items;
    };

    dynamo.state.failing = true;
    const first = await create();
    expect(first.status).toBe(503);
    expect(first.headers.get("retry-after")).toBe("5");
    await readProblem(first);
    dynamo.state.failing = false;
    expect(await broadcasts()).toEqual([]);
    // The retry finds the stage stored as asked, and starts its broadcast.
    expect((await create()).status).toBe(201);
    expect(await broadcasts()).toMatchObject([{ endedAt: null }]);

    h.advance(60_000);
    dynamo.state.failing = true;
    const end = await h.patchStage(stageId, { status: "ended" });
    expect(end.status).toBe(503);
    await readProblem(end);
    dynamo.state.failing = false;
    // The stage is ended (heartbeats get 410) and marked for the sync job; the broadcast is not.
    const token = await h.token("v", stageId);
    expect((await h.heartbeat(stageId, token)).status).toBe(410);
    const config = parseConfig(h.env);
    const marks = await listUnsettledMarks(
      createDocumentClient(config, ADMIN_ROUTE_DEADLINES.dynamo),
      config.dynamodbTable,
      config.redisKeyPrefix,
    );
    expect(marks.map((mark) => mark.stageId)).toContain(stageId);
    expect(await broadcasts()).toMatchObject([{ endedAt: null }]);

    await h.sync();
    const ended = new Date(h.clock.nowMs).toISOString();
    expect(await broadcasts()).toMatchObject([{ endedAt: ended }]);
  });
});
