/**
 * What a heartbeat costs at Upstash, counted by the local Upstash-compatible endpoint on its own
 * redis-server (so no other test's commands are counted). Counts, not timings: they are exact.
 */
import { Redis } from "@upstash/redis";
import { COUNT_SCRIPT } from "@viewer-presence/shared/live-count";
import { describe, expect, it } from "vitest";
import { type App, createApp } from "../../edge/app";
import { localStackPerFile } from "../stack/stack-per-file";
import { uniqueId } from "../test-env";
import { createHarness } from "./harness";

const stack = localStackPerFile();

async function setup() {
  const h = createHarness({ bindings: { ...stack().env } });
  const { app, env, clock } = h;
  const stageId = uniqueId("cost");
  const createStage = (id: string) => h.createStage({ id, title: "Cost" });
  await createStage(stageId);
  /** Each viewer's last ticket on each stage, sent with their next heartbeat (as the typed client does). */
  const tickets = new Map<string, string>();
  /**
   * One heartbeat of `viewerId` on `stage` (default this test's), through `through` (default
   * this app), `query` e.g. "&state=paused", with the viewer's last ticket unless `ticket: false`.
   */
  const beat = async (
    viewerId: string,
    options: { through?: App; query?: string; ticket?: boolean; stage?: string } = {},
  ) => {
    const stage = options.stage ?? stageId;
    const token = await h.token(viewerId, stage);
    const ticket = options.ticket === false ? undefined : tickets.get(`${stage}/${viewerId}`);
    const response = await (options.through ?? app).request(
      `/v1/stages/${stage}/heartbeats?${ticket === undefined ? "" : `ticket=${ticket}`}${options.query ?? ""}`,
      { method: "POST", headers: { authorization: `Bearer ${token}` } },
      env,
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { ticket: string; viewers: number };
    tickets.set(`${stage}/${viewerId}`, body.ticket);
    return body;
  };
  const leave = async (viewerId: string) => {
    const token = await h.token(viewerId, stageId);
    const response = await app.request(
      `/v1/stages/${stageId}/leave`,
      { method: "POST", headers: { authorization: `Bearer ${token}` } },
      env,
    );
    expect(response.status).toBe(204);
  };
  // The first registry check of a new deployment finds no marker and rebuilds the registry from
  // DynamoDB (as after a data loss); the second beat runs the checking script. Counts read
  // restore estimates for one presence TTL after that; settled once it has passed. The clock
  // ends 20 s into a 30-s slot whose bitmap already has its expiry.
  await beat("warm-up");
  await beat("warm-up");
  clock.nowMs += 130_000;
  await beat("warm-up");
  return { app, env, clock, beat, leave, stageId, createStage };
}

/** What COUNT_SCRIPT costs for one epoch: EVALSHA, BITOP OR, STRLEN, BITOP AND, BITCOUNT. */
const COUNT = 5;
/** A heartbeat's count: SHARED_COUNT_SCRIPT's GET of the shared count, COUNT_SCRIPT's, and its SET. */
const SHARED_COUNT = COUNT + 2;
/** SHARED_COUNT_SCRIPT taking a count another isolate made: EVALSHA and its GET. */
const TAKEN_COUNT = 2;
/** A page's first heartbeat counts without looking at the shared count: COUNT_SCRIPT and SET. */
const FIRST_COUNT = COUNT + 1;

describe("heartbeat cost", () => {
  it("is one request of ONE command once the isolate knows the stage, the count and the viewer", async () => {
    const { clock, beat } = await setup();
    for (let i = 0; i < 20; i++) await beat(`viewer-${i}`); // their first: tickets answered
    clock.nowMs += 2_000;
    stack().proxy.resetStats();
    for (let i = 0; i < 20; i++) {
      await beat(`viewer-${i}`);
      clock.nowMs += 100; // within the 10 s count cache and registry check, and the slot
    }
    const stats = stack().proxy.stats();
    expect(stats).toMatchObject({ requests: 20, commands: 20 });
    console.info(
      `steady heartbeat: ${stats.requestBytes / 20} B sent, ${stats.responseBytes / 20} B back`,
    );
  });

  it("adds the count and the registry check once per 10 s, and an EXPIRE once per slot", async () => {
    const { clock, beat } = await setup();
    await beat("a");
    await beat("b");
    clock.nowMs += 10_000; // a new slot; the count and the registry check are due
    stack().proxy.resetStats();
    await beat("a"); // BITFIELD, EXPIRE, MGET m v rs g, SHARED_COUNT_SCRIPT counting
    await beat("b"); // BITFIELD
    expect(stack().proxy.stats()).toMatchObject({ requests: 2, commands: 3 + SHARED_COUNT + 1 });
  });

  it("reads the marker with every count: one MGET more per 10 s for each other stage of the isolate", async () => {
    const { clock, beat, createStage } = await setup();
    const other = uniqueId("cost");
    await createStage(other);
    const beatOther = () => beat("x", { stage: other });
    await beat("a");
    await beatOther();
    clock.nowMs += 10_000; // a new slot; both counts and the registry check are due
    stack().proxy.resetStats();
    await beat("a"); // BITFIELD, EXPIRE, MGET m v rs g, SHARED_COUNT_SCRIPT counting
    // BITFIELD, EXPIRE, COUNT, and MGET again: a count read without the marker could not tell
    // viewers who left from a Redis that lost its data (issue 21, defect 9).
    await beatOther();
    expect(stack().proxy.stats()).toMatchObject({ requests: 2, commands: 2 * (3 + SHARED_COUNT) });
  });

  it("looks a viewer without a ticket up in the same one request, once per isolate, and counts after it", async () => {
    const { clock, beat } = await setup();
    clock.nowMs += 1000;
    stack().proxy.resetStats();
    // EVALSHA, HGET, RPUSH, HSET, BITFIELD (the slot's bitmap has its expiry already); then,
    // as on every heartbeat without a ticket (a page's first), the count, with the marker.
    await beat("new-viewer");
    // This isolate remembers the index: BITFIELD; and the count, with the marker.
    await beat("new-viewer", { ticket: false });
    expect(stack().proxy.stats()).toMatchObject({
      requests: 2,
      commands: 5 + 1 + (1 + FIRST_COUNT) * 2,
    });
  });

  it("is still one request for a stage the isolate has not seen (a script that checks first)", async () => {
    const { clock, beat } = await setup();
    await beat("x");
    clock.nowMs += 1000;
    const fresh = createApp({ now: () => clock.nowMs, logError: () => {} });
    stack().proxy.resetStats();
    await beat("x", { through: fresh });
    // EVALSHA + MGET (stage, marker, version, restored-at, estimate, generation), LLEN (the
    // ticket's index is checked: this isolate has seen none handed out), BITFIELD, EXPIRE; and
    // the count. Scripts go by SHA-1 (Redis has them since the warm-up), not in full.
    const stats = stack().proxy.stats();
    // The count is not shared: the script may refuse, and a refused heartbeat writes nothing.
    expect(stats).toMatchObject({ requests: 1, commands: 5 + COUNT });
    expect(stats.requestBytes).toBeLessThan(1000);
    console.info(
      `cache-miss heartbeat: ${stats.requestBytes} B sent, ${stats.responseBytes} B back`,
    );
  });

  it("re-reads a stage changed elsewhere with the checking script, and only then", async () => {
    const { env, clock, beat, stageId } = await setup();
    for (const viewer of ["a", "b", "c"]) await beat(viewer);
    const elsewhere = createApp({ now: () => clock.nowMs, logError: () => {} });
    const patched = await elsewhere.request(
      `/v1/stages/${stageId}`,
      {
        method: "PATCH",
        headers: {
          authorization: `Bearer ${env.ADMIN_API_KEY}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ title: "Renamed" }),
      },
      env,
    );
    expect(patched.status).toBe(200);
    clock.nowMs += 10_000;
    stack().proxy.resetStats();
    await beat("a"); // BITFIELD, EXPIRE, MGET (finds the registry changed), COUNT
    await beat("b"); // the script: EVALSHA, MGET, BITFIELD (a gave the slot its expiry)
    await beat("c"); // BITFIELD
    expect(stack().proxy.stats()).toMatchObject({
      requests: 3,
      commands: 3 + SHARED_COUNT + 3 + 1,
    });
  });

  it("runs one checking script for 32 concurrent first heartbeats, and one count for 20 later", async () => {
    const { clock, beat: beatOn } = await setup();
    for (let i = 0; i < 32; i++) await beatOn(`viewer-${i}`);
    const fresh = createApp({ now: () => clock.nowMs, logError: () => {} });
    const beat = (viewerId: string) => beatOn(viewerId, { through: fresh });
    stack().proxy.resetStats();
    await Promise.all(Array.from({ length: 32 }, (_, i) => beat(`viewer-${i}`)));
    // One script (EVALSHA, MGET, LLEN, BITFIELD, EXPIRE) and the count; the 31 others waited
    // for it and sent a BITFIELD each (LLEN told the isolate their indexes were handed out).
    expect(stack().proxy.stats()).toMatchObject({ requests: 32, commands: 5 + COUNT + 31 });

    clock.nowMs += 10_000; // a new slot; the count and the registry check are due again
    stack().proxy.resetStats();
    await Promise.all(Array.from({ length: 20 }, (_, i) => beat(`viewer-${i}`)));
    expect(stack().proxy.stats()).toMatchObject({ requests: 20, commands: 20 + 2 + SHARED_COUNT });
  });

  it("makes a leave one request, and takes the viewer off this isolate's count without a recount", async () => {
    const { clock, beat, leave } = await setup();
    await leave("nobody"); // Redis learns the script (EVAL once per database, then EVALSHA)
    await beat("stays");
    const before = (await beat("leaves")).viewers;
    clock.nowMs += 1_000;
    stack().proxy.resetStats();
    await leave("leaves"); // EVALSHA, HGET, a BITFIELD per slot within the TTL (4 or 5)
    const leaveStats = stack().proxy.stats();
    expect(leaveStats.requests).toBe(1);
    expect(leaveStats.commands).toBeLessThanOrEqual(7);
    stack().proxy.resetStats();
    expect((await beat("stays")).viewers).toBe(before - 1);
    expect(stack().proxy.stats()).toMatchObject({ requests: 1, commands: 1 });
  });

  it("counts after its write even when Redis has lost only the heartbeat's script", async () => {
    const { env, clock, beat } = await setup();
    const redis = new Redis({
      url: env.UPSTASH_REDIS_REST_URL!,
      token: env.UPSTASH_REDIS_REST_TOKEN!,
      enableTelemetry: false,
    });
    // Redis knows the count script but not the heartbeat's (a restart, then a count read).
    await redis.scriptFlush();
    await redis.scriptLoad(COUNT_SCRIPT);
    const fresh = createApp({ now: () => clock.nowMs, logError: () => {} });
    const { viewers } = await beat("late-viewer", { through: fresh, ticket: false });
    expect(viewers).toBe(2); // warm-up and this one: the count ran after the write
  });

  it("takes the count another isolate made in the last 10 s: EVALSHA and GET, no count of its own", async () => {
    const { clock, beat } = await setup();
    const other = createApp({ now: () => clock.nowMs, logError: () => {} });
    await beat("a");
    await beat("b", { through: other }); // its stage check counts for itself (it may refuse)
    clock.nowMs += 10_000; // both counts are due; this isolate counts first
    await beat("a"); // BITFIELD, EXPIRE, MGET m v rs g, SHARED_COUNT_SCRIPT counting
    stack().proxy.resetStats();
    // BITFIELD, EXPIRE, MGET m v rs g, and SHARED_COUNT_SCRIPT taking this isolate's count.
    const { viewers } = await beat("b", { through: other });
    expect(viewers).toBe(3); // a, b and the warm-up viewer
    expect(stack().proxy.stats()).toMatchObject({ requests: 1, commands: 3 + TAKEN_COUNT });
  });

  it("learns the counts other isolates made of the stages it takes counts of, in its registry check", async () => {
    const { clock, beat, createStage, stageId } = await setup();
    const second = uniqueId("cost");
    await createStage(second);
    const other = createApp({ now: () => clock.nowMs, logError: () => {} });
    const round = async () => {
      for (const stage of [stageId, second]) {
        await beat("a", { stage });
        await beat("b", { stage, through: other });
      }
    };
    await round();
    clock.nowMs += 10_000;
    await round(); // this isolate counts each stage; the other takes its counts
    clock.nowMs += 10_000;
    await beat("c", { stage: second }); // a page's first heartbeat: counted with c, and shared
    stack().proxy.resetStats();
    // BITFIELD, and MGET m v rs g c:<first> c:<second>: the registry check is due, no count is.
    await beat("b", { stage: stageId, through: other });
    // BITFIELD only, answering the count that MGET brought.
    const { viewers } = await beat("b", { stage: second, through: other });
    expect(viewers).toBe(3);
    expect(stack().proxy.stats()).toMatchObject({ requests: 2, commands: 3 });
  });

  it("counts in an isolate when no other isolate counted the stage in the last 10 s", async () => {
    const { clock, beat } = await setup();
    const other = createApp({ now: () => clock.nowMs, logError: () => {} });
    await beat("a");
    await beat("b", { through: other });
    for (let i = 0; i < 2; i++) {
      clock.nowMs += 10_000;
      await beat("a"); // counts
      await beat("b", { through: other }); // takes it
    }
    clock.nowMs += 20_000; // this isolate no longer beats: its count is 20 s old
    stack().proxy.resetStats();
    // BITFIELD, EXPIRE, MGET m v rs g, and SHARED_COUNT_SCRIPT counting.
    const { viewers } = await beat("b", { through: other });
    expect(viewers).toBe(3);
    expect(stack().proxy.stats()).toMatchObject({ requests: 1, commands: 3 + SHARED_COUNT });
  });

  it("is one command while the player is paused: present bit, no watched bit", async () => {
    const { clock, beat } = await setup();
    await beat("paused-viewer");
    clock.nowMs += 1_000;
    stack().proxy.resetStats();
    await beat("paused-viewer", { query: "&state=paused" });
    expect(stack().proxy.stats()).toMatchObject({ requests: 1, commands: 1 });
  });
});
