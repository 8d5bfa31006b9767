/**
 * Redis' copies of stages follow DynamoDB's revisions (shared/stage-copies.ts): a copy written
 * late never replaces a newer one, and the sync job's settle step replaces or removes the copies
 * an earlier version left disagreeing with DynamoDB.
 */

import type { Stage } from "@viewer-presence/shared/stage";
import { PUT_STAGE_COPIES_SCRIPT, putStageCopiesCall } from "@viewer-presence/shared/stage-copies";
import { describe, expect, it } from "vitest";
import { uniqueId } from "../test-env";
import { createHarness } from "./harness";

describe("Redis' copies of stages", () => {
  it("keeps a newer revision when a write of an older one lands late", async () => {
    const h = createHarness();
    const id = uniqueId("s");
    const created = await h.postStage({ id, title: "One" });
    expect(created.status).toBe(201);
    const first = (await created.json()) as Stage;
    const patched = await h.patchStage(id, { title: "Two", status: "ended" });
    expect(patched.status).toBe(200);
    expect(await h.redis.get(h.keys.stage(id))).toMatchObject({ title: "Two", revision: 2 });
    const version = await h.redis.get(h.keys.registryVersion());

    // The create's write, as a stalled Redis would run it once it runs again: after the PATCH.
    const late = putStageCopiesCall(h.keys, [{ id, stored: { stage: first, revision: 1 } }]);
    expect(await h.redis.eval(PUT_STAGE_COPIES_SCRIPT, late.keys, late.args)).toBe(0);
    expect(await h.redis.get(h.keys.stage(id))).toMatchObject({
      title: "Two",
      status: "ended",
      revision: 2,
    });
    expect(await h.redis.get(h.keys.registryVersion())).toBe(version);
  });

  it("settles copies an earlier version left disagreeing (marked in `us`): a stale one is replaced, an orphan removed", async () => {
    const h = createHarness();
    const stale = await h.createStage({ title: "Before" });
    await h.patchStage(stale, { title: "After", status: "ended" });
    await h.sync(); // the registry is complete ("full"): no restore will copy stages over
    const orphan = uniqueId("s");
    const copy = (id: string, title: string) =>
      JSON.stringify({
        // First, as every copy carries it: the viewers the stage takes (signed ones only).
        accepts: "s",
        id,
        title,
        status: "live",
        allowAnonymous: false,
        auditTrail: false,
        createdAt: "2026-11-27T12:00:10.000Z",
        updatedAt: "2026-11-27T12:00:10.000Z",
      });
    // What an earlier version's undo left behind when its Redis write landed late: a change
    // DynamoDB no longer has, and a stage DynamoDB does not have, both without a revision.
    await h.redis.set(h.keys.stage(stale), copy(stale, "Before"));
    await h.redis.set(h.keys.stage(orphan), copy(orphan, "Orphan"));
    await h.redis.sadd(h.keys.stages(), orphan);
    await h.redis.sadd(h.keys.unsettledStages(), stale, orphan);
    h.advance(10_000);
    expect((await h.heartbeat(orphan, await h.token("v", orphan))).status).toBe(200);

    expect(await h.sync()).toMatchObject({ settledStages: 2 });
    expect(await h.redis.exists(h.keys.unsettledStages())).toBe(0);
    expect(await h.redis.get(h.keys.stage(stale))).toMatchObject({
      title: "After",
      status: "ended",
      revision: 2,
    });
    expect(await h.redis.exists(h.keys.stage(orphan))).toBe(0);
    expect(await h.redis.sismember(h.keys.stages(), orphan)).toBe(0);
    h.advance(10_000); // past the isolate's cache: it checks the registry version, raised
    expect((await h.request(`/v1/stages/${orphan}`)).status).toBe(404);
    expect((await h.heartbeat(stale, await h.token("v", stale))).status).toBe(410);
  });
});
