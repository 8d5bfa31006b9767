/**
 * A presence ticket names the bit a heartbeat sets (shared/presence-ticket.ts). Its MAC is keyed
 * with the viewer-token secret, which the operator's backends hold too, so a ticket can be made
 * outside the edge naming any index: one naming index 999,999,999 once grew Redis by 250 MB for
 * a week (issue 21, defect 10). A ticket naming an index the stage has not handed out this hour
 * is refused, and changes nothing.
 */

import { createTicketSigner } from "@viewer-presence/shared/presence-ticket";
import { describe, expect, it } from "vitest";
import { TEST_TOKEN_SECRET } from "../test-env";
import { createHarness, type Harness, readProblem } from "./harness";

/** The length of every string key of the harness's deployment, by key. */
async function stringLengths(h: Harness): Promise<Map<string, number>> {
  const lengths = new Map<string, number>();
  for (const key of await h.redis.keys(`${h.env.REDIS_KEY_PREFIX}*`)) {
    if ((await h.redis.type(key)) === "string") lengths.set(key, await h.redis.strlen(key));
  }
  return lengths;
}

async function beat(h: Harness, stageId: string, token: string, ticket?: string) {
  return h.heartbeat(stageId, token, ticket === undefined ? "" : `?ticket=${ticket}`);
}

/** A ticket as the edge makes it, for another index: what a holder of the secret can sign. */
async function ticketNaming(stageId: string, viewerId: string, genuine: string, index: number) {
  const [epoch, , generation] = genuine.split(".") as [string, string, string];
  return createTicketSigner(TEST_TOKEN_SECRET).sign(stageId, viewerId, {
    epoch: Number(epoch),
    index,
    generation,
  });
}

describe("presence tickets", () => {
  it("refuse an index beyond those handed out this hour, with a 400 that changes nothing", async () => {
    const h = createHarness();
    const stageId = await h.createStage();
    const alice = await h.token("alice", stageId);
    const bob = await h.token("bob", stageId);
    const answered = await beat(h, stageId, alice);
    expect(answered.status).toBe(200);
    const { ticket } = (await answered.json()) as { ticket: string };
    expect((await beat(h, stageId, bob)).status).toBe(200); // indexes 0 and 1 handed out
    // A fresh isolate (another app on the same data) knows nothing of the indexes yet.
    const fresh = createHarness({ bindings: { REDIS_KEY_PREFIX: h.env.REDIS_KEY_PREFIX! } });
    fresh.clock.nowMs = h.clock.nowMs;

    for (const isolate of [h, fresh]) {
      for (const index of [999_999_999, 2]) {
        const before = await stringLengths(h);
        const forged = await ticketNaming(stageId, "alice", ticket, index);
        const refused = await beat(isolate, stageId, alice, forged);
        expect(await stringLengths(h)).toEqual(before);
        expect(refused.status).toBe(400);
        expect((await readProblem(refused)).errors?.[0]?.path).toBe("query.ticket");
      }
    }
    // The genuine ticket still works, and the two viewers are counted.
    for (const isolate of [h, fresh]) {
      expect((await beat(isolate, stageId, alice, ticket)).status).toBe(200);
    }
    h.advance(2_001);
    expect(await h.viewers(stageId)).toBe(2);
  });

  it("still take a ticket from before a data loss, naming an index the new list lacks", async () => {
    const a = createHarness();
    const b = createHarness({ bindings: { REDIS_KEY_PREFIX: a.env.REDIS_KEY_PREFIX! } });
    const stageId = await a.createStage();
    for (const v of ["alice", "bob"]) {
      expect((await beat(a, stageId, await a.token(v, stageId))).status).toBe(200);
    }
    b.clock.nowMs = a.clock.nowMs;
    const carol = await a.token("carol", stageId);
    const first = await beat(b, stageId, carol);
    const { ticket } = (await first.json()) as { ticket: string };
    expect(ticket.split(".")[1]).toBe("2"); // isolate a has seen indexes 0 and 1 only
    // Redis loses its data; b notices at its registry check and rebuilds the registry.
    a.advance(10_000);
    b.advance(10_000);
    const keys = await a.redis.keys(`${a.env.REDIS_KEY_PREFIX}*`);
    await a.redis.del(...keys);
    expect((await beat(b, stageId, await b.token("dave", stageId))).status).toBe(200);
    // Carol's ticket is of the old generation: a looks her up, and answers a new ticket.
    const answered = await beat(a, stageId, carol, ticket);
    expect(answered.status).toBe(200);
    const renewed = ((await answered.json()) as { ticket: string }).ticket;
    expect(renewed.split(".")[2]).not.toBe(ticket.split(".")[2]);
  });
});
