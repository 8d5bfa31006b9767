/**
 * The top of the hour (issue 22): late in an hour the ticket answered also carries the viewer's
 * index for the next hour (edge/presence/next-epoch-index.ts), so at :00 a heartbeat with it is
 * one BITFIELD instead of the lookup script. Counted by the local Upstash-compatible endpoint on
 * its own redis-server, as heartbeat-cost.test.ts counts.
 */
import { createTicketSigner } from "@viewer-presence/shared/presence-ticket";
import { describe, expect, it } from "vitest";
import { type App, createApp } from "../../edge/app";
import { localStackPerFile } from "../stack/stack-per-file";
import { TEST_TOKEN_SECRET, uniqueId } from "../test-env";
import { createHarness } from "./harness";

const stack = localStackPerFile();

/** 12:55 UTC: every viewer's moment to get its next index falls between 12:30 and 12:57. */
const LATE = Date.UTC(2026, 10, 27, 12, 55, 0);
/** 13:00:05, just past the top of the hour. */
const TOP = Date.UTC(2026, 10, 27, 13, 0, 5);
const NEXT_TICKET = /^[0-9]+\.[0-9]+-[0-9]+\.[A-Za-z0-9]+\.[A-Za-z0-9_-]{22}$/;

async function setup() {
  const h = createHarness({ bindings: { ...stack().env } });
  const { app, env, clock } = h;
  clock.nowMs = LATE;
  const stageId = await h.createStage({ id: uniqueId("hour"), title: "Hour" });
  const tickets = new Map<string, string>();
  /** One heartbeat; `ticket`: the viewer's last one (default), none, or this text. */
  const beat = async (
    viewerId: string,
    options: { through?: App; ticket?: string | false } = {},
  ) => {
    const token = await h.token(viewerId, stageId);
    const ticket = options.ticket === false ? undefined : (options.ticket ?? tickets.get(viewerId));
    const response = await (options.through ?? app).request(
      `/v1/stages/${stageId}/heartbeats${ticket === undefined ? "" : `?ticket=${ticket}`}`,
      { method: "POST", headers: { authorization: `Bearer ${token}` } },
      env,
    );
    const body = (await response.json()) as { ticket: string; viewers: number };
    if (response.status === 200) tickets.set(viewerId, body.ticket);
    return { status: response.status, ...body };
  };
  // A new deployment's first heartbeats rebuild the registry and read restore estimates for one
  // presence TTL; settled once it has passed (as in heartbeat-cost.test.ts).
  await beat("warm-up");
  await beat("warm-up");
  clock.nowMs += 150_000; // 12:57:30: every viewer is due
  return { app, env, clock, beat, tickets, stageId };
}

describe("the next hour's index, handed out late in the hour", () => {
  it("rides in the ticket, which is one command at the top of the hour", async () => {
    const { clock, beat } = await setup();
    const viewers = Array.from({ length: 20 }, (_, i) => `viewer-${i}`);
    for (const viewer of viewers) await beat(viewer); // first: index, next index, ticket
    clock.nowMs += 90_000; // 12:59:00, within the presence TTL of :00
    for (const viewer of viewers) {
      const answer = await beat(viewer); // the ticket it holds already carries the next index
      expect(answer.ticket).toMatch(NEXT_TICKET);
    }

    clock.nowMs = TOP;
    await beat(viewers[0]!); // the new hour's count, registry check and slot expiry ride here
    stack().proxy.resetStats();
    for (const viewer of viewers.slice(1)) {
      const answer = await beat(viewer);
      expect(answer.status).toBe(200);
      expect(answer.viewers).toBe(20);
    }
    // One BITFIELD each; before, each ran the lookup script (EVALSHA, HGET, RPUSH, HSET, BITFIELD).
    expect(stack().proxy.stats()).toMatchObject({ requests: 19, commands: 19 });
  });

  it("is checked against the list once by an isolate that did not hand it out", async () => {
    const { clock, beat } = await setup();
    const viewers = Array.from({ length: 5 }, (_, i) => `viewer-${i}`);
    for (const viewer of viewers) await beat(viewer);
    clock.nowMs = TOP;
    const fresh = createApp({ now: () => clock.nowMs, logError: () => {} });
    await beat(viewers[0]!, { through: fresh }); // the stage check, the list's length, the count
    stack().proxy.resetStats();
    for (const viewer of viewers.slice(1)) {
      expect((await beat(viewer, { through: fresh })).status).toBe(200);
    }
    expect(stack().proxy.stats()).toMatchObject({ requests: 4, commands: 4 });
  });

  it("is refused when forged, and ignored when altered, stale or another viewer's", async () => {
    const { clock, beat, tickets, stageId } = await setup();
    await beat("alice");
    await beat("bob");
    const genuine = tickets.get("alice")!;
    expect(genuine).toMatch(NEXT_TICKET);
    const [epoch, indexes, generation, mac] = genuine.split(".") as [
      string,
      string,
      string,
      string,
    ];
    const [index, next] = indexes.split("-").map(Number) as [number, number];
    const signer = createTicketSigner(TEST_TOKEN_SECRET);
    clock.nowMs = TOP;

    // Altered: its MAC does not match, so it is no ticket; alice is looked up (her next index).
    const altered = `${epoch}.${index}-${next + 1}.${generation}.${mac}`;
    const lookedUp = await beat("alice", { ticket: altered });
    expect(lookedUp.status).toBe(200);
    expect(lookedUp.ticket).not.toBe(altered);
    expect(lookedUp.ticket.split(".")[1]).toBe(String(next));
    // Bob's ticket is for bob: for alice it is no ticket either.
    const borrowed = await beat("alice", { ticket: tickets.get("bob")! });
    expect(borrowed.status).toBe(200);
    expect(borrowed.ticket.split(".")[1]).toBe(String(next));
    // Stale: a next index of the hour before the last is no ticket.
    const stale = await signer.sign(stageId, "alice", {
      epoch: Number(epoch) - 1,
      index,
      generation,
      nextIndex: next,
    });
    const afterStale = await beat("alice", { ticket: stale });
    expect(afterStale.status).toBe(200);
    expect(afterStale.ticket).not.toBe(stale);
    // Forged with the secret, naming a next index never handed out: refused, nothing written.
    const forged = await signer.sign(stageId, "alice", {
      epoch: Number(epoch),
      index,
      generation,
      nextIndex: 999_999,
    });
    const fresh = createApp({ now: () => clock.nowMs, logError: () => {} });
    expect((await beat("alice", { ticket: forged, through: fresh })).status).toBe(400);
    expect((await beat("bob", { through: fresh })).viewers).toBe(2);
  });
});
