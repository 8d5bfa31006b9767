/**
 * The count a heartbeat answers says how old it is (`asOf`), and a page's first heartbeat (sent
 * with no ticket) answers a count that includes the viewer itself: a page once showed
 * "Viewers: 1" while getStageViewers said 2, because the answer was the isolate's count cached
 * before this viewer joined (issue 20, "The count on the page").
 */
import { describe, expect, it } from "vitest";
import { createHarness, type Harness } from "./harness";

/**
 * A stage on an isolate past its start: the first registry check of a new deployment rebuilds
 * the registry (as after a data loss), and counts read restore estimates for one presence TTL
 * after it; the warm-up viewer has dropped out once it has passed.
 */
async function settledStage(h: Harness): Promise<string> {
  const stageId = await h.createStage();
  const warmUp = await h.token("warm-up", stageId);
  expect((await h.heartbeat(stageId, warmUp)).status).toBe(200);
  expect((await h.heartbeat(stageId, warmUp)).status).toBe(200);
  h.advance(130_000);
  return stageId;
}

interface Answer {
  viewers: number;
  estimated: boolean;
  asOf: string;
  ticket: string;
}

describe("the count a heartbeat answers", () => {
  it("includes the viewer on a page's first heartbeat, though the isolate holds a count from before", async () => {
    const h = createHarness();
    const stageId = await settledStage(h);
    const first = await h.heartbeat(stageId, await h.token("alice", stageId));
    expect(((await first.json()) as Answer).viewers).toBe(1);
    h.advance(1_000); // well within the isolate's 10-s count cache
    const bob = await h.heartbeat(stageId, await h.token("bob", stageId));
    expect(bob.status).toBe(200);
    const answered = (await bob.json()) as Answer;
    expect(answered.viewers).toBe(2);
    expect(answered.asOf).toBe(new Date(h.clock.nowMs).toISOString());
    h.advance(2_001); // past the count read's own cache
    expect(await h.viewers(stageId)).toBe(2);
  });

  it("says when a cached count was read", async () => {
    const h = createHarness();
    const stageId = await settledStage(h);
    const alice = await h.token("alice", stageId);
    const readAt = h.clock.nowMs;
    const first = (await (await h.heartbeat(stageId, alice)).json()) as Answer;
    expect(first.asOf).toBe(new Date(readAt).toISOString());
    h.advance(4_000);
    const again = await h.heartbeat(stageId, alice, `?ticket=${first.ticket}`);
    const answered = (await again.json()) as Answer;
    expect(answered.viewers).toBe(1);
    // The isolate's cached count, 4 s old: its age is in the answer.
    expect(answered.asOf).toBe(new Date(readAt).toISOString());
  });
});
