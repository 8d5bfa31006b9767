/**
 * Redis loses its data, and someone else notices first: a presence shard's flush, another
 * isolate's heartbeat or the sync job rebuilds the registry (a new data generation `g`) before
 * this isolate's next request. This isolate's registry check then finds the marker present, so
 * it never saw the loss, yet every index it remembers (viewer -> index, from before the loss)
 * names someone else now, or no one. Found by presence-socket-redis-loss.test.ts, where the
 * shard rebuilt the registry and wrote its six socket viewers at indexes 0-5 again: the two
 * HTTP viewers' next heartbeats, from an isolate that remembered their old indexes, set bits of
 * socket viewers, so the count stayed at the six sockets (answered as the estimate) and their
 * watch time went to others.
 *
 * Two isolates (two apps) on one Redis database: A counts four viewers, Redis is flushed, B
 * counts two new viewers (B notices the loss and rebuilds), then A's four beat again, with the
 * tickets A answered before the loss, as clients send them. Each of the six must be counted
 * once, at an index of their own. And a heartbeat whose own request carries the check that
 * finds the new generation (a reloaded page's first, without a ticket) must not answer a ticket
 * of the new generation naming its index from before: its next heartbeat, with that ticket,
 * was refused 400 (an index the stage had not handed out), or wrote another viewer's bit.
 */
import { parseViewerEntry } from "@viewer-presence/shared/audience";
import { epochAt } from "@viewer-presence/shared/slot-bitmaps";
import { describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../in-process/harness";
import { uniqueId } from "../test-env";
import { type FaultStack, startFaultStack } from "./fault-stack";

/**
 * Two isolates (two apps, A and B) on the fault stack's one Redis database under a key prefix of
 * their own, a stage, and one heartbeat of a viewer through either (`ticket`: the one to send
 * back), which must be answered 200.
 */
async function twoIsolates(stack: FaultStack) {
  const bindings = { ...stack.env, REDIS_KEY_PREFIX: `${uniqueId("gen")}:` };
  const a = createHarness({ bindings });
  const b = createHarness({ bindings });
  const stageId = await a.createStage();
  const beat = async (
    h: Harness,
    viewerId: string,
    ticket?: string,
  ): Promise<{ viewers: number; estimated: boolean; ticket: string }> => {
    const token = await h.token(viewerId, stageId);
    const query = ticket === undefined ? "" : `?ticket=${encodeURIComponent(ticket)}`;
    const response = await h.heartbeat(stageId, token, query);
    expect(response.status, viewerId).toBe(200);
    return (await response.json()) as { viewers: number; estimated: boolean; ticket: string };
  };
  return { a, b, stageId, beat };
}

describe("an isolate whose data generation changed under it", () => {
  it("looks its viewers up again instead of writing their indexes from before the loss", async () => {
    const stack: FaultStack = await startFaultStack();
    try {
      const { a, b, stageId, beat } = await twoIsolates(stack);
      const early = ["a0", "a1", "a2", "a3"];
      const tickets = new Map<string, string>();
      for (const viewerId of early) tickets.set(viewerId, (await beat(a, viewerId)).ticket);
      expect((await beat(a, "a0", tickets.get("a0"))).viewers).toBe(4);

      // The loss; B notices it first (its first request) and rebuilds the registry.
      expect(await a.redis.flushall()).toBe("OK");
      b.clock.nowMs = a.clock.nowMs + 1_000;
      for (const viewerId of ["b0", "b1"]) await beat(b, viewerId);
      const list = a.keys.viewerList(stageId, epochAt(b.clock.nowMs));
      expect(await a.redis.llen(list)).toBe(2);

      // A, in the next slot, reads the count (its registry check rides along and finds the
      // marker there, under a new generation); then the four beat again. (A heartbeat carrying
      // that check itself may still write its old index once: docs/redis-layout.md.)
      a.advance(30_000);
      expect((await a.request(`/v1/stages/${stageId}/viewers`)).status).toBe(200);
      for (const viewerId of early) await beat(a, viewerId, tickets.get(viewerId));
      const entries = (await a.redis.lrange(list, 0, -1)).map(
        (entry) => parseViewerEntry(String(entry)).viewerId,
      );
      expect(entries.sort()).toEqual(["a0", "a1", "a2", "a3", "b0", "b1"]);
      a.advance(3_000);
      const count = await a.request(`/v1/stages/${stageId}/viewers`);
      expect(await count.json()).toMatchObject({ viewers: 6 });
    } finally {
      await stack.stop();
    }
  });

  it("does not answer a ticket naming an index from before the loss under the new generation", async () => {
    const stack: FaultStack = await startFaultStack();
    try {
      const { a, b, stageId, beat } = await twoIsolates(stack);
      for (const viewerId of ["a0", "a1", "a2", "a3"]) await beat(a, viewerId);
      expect(await a.redis.flushall()).toBe("OK");
      b.clock.nowMs = a.clock.nowMs + 1_000;
      for (const viewerId of ["b0", "b1"]) await beat(b, viewerId);
      // a2 reloads its page on A: a first heartbeat (no ticket), which carries A's registry
      // check; then its next one, with the ticket that answered.
      a.advance(30_000);
      const first = await beat(a, "a2");
      await beat(a, "a2", first.ticket);
      const list = a.keys.viewerList(stageId, epochAt(a.clock.nowMs));
      const entries = (await a.redis.lrange(list, 0, -1)).map(
        (entry) => parseViewerEntry(String(entry)).viewerId,
      );
      expect(entries.sort()).toEqual(["a2", "b0", "b1"]);
    } finally {
      await stack.stop();
    }
  });
});
