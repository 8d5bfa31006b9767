/**
 * A presence shard's flush (edge/presence/flush-shard.ts, FLUSH_SCRIPT) against the real local
 * Redis through the Upstash REST protocol, with 10,000 viewers: more values than Lua's `unpack`
 * takes at once (about 8,000), so every list is chunked inside the script. A viewer an HTTP
 * heartbeat indexed keeps its index; the shard's view out of date writes nothing.
 */
import { parseConfig } from "@viewer-presence/shared/config";
import { epochAt } from "@viewer-presence/shared/slot-bitmaps";
import { describe, expect, it } from "vitest";
import { type FlushPlan, flushShard } from "../../edge/presence/flush-shard";
import { createShardStores } from "../../edge/presence/shard-stores";
import type { ShardViewer } from "../../edge/presence/socket-viewers";
import { createHarness } from "./harness";

const VIEWERS = 10_000;

describe("a presence shard's flush", () => {
  it("indexes and writes 10,000 viewers in one request, keeps an HTTP viewer's index, clears leaves", async () => {
    const h = createHarness();
    const stageId = await h.createStage();
    const beat = await h.heartbeat(stageId, await h.token("v5", stageId));
    expect(beat.status).toBe(200);
    const deps = createShardStores(parseConfig(h.env), () => {}).flushDeps(0, h.clock.nowMs, 120);
    const viewers = new Map<string, ShardViewer>(
      Array.from({ length: VIEWERS }, (_, i) => [
        `v${i}`,
        {
          viewerId: `v${i}`,
          anonymous: false,
          audienceTag: "DE|d",
          playing: i % 2 === 0,
          index: undefined,
        },
      ]),
    );
    const plan: FlushPlan = {
      stageId,
      nowMs: h.clock.nowMs,
      accepts: "s",
      generation: undefined,
      viewers,
      leaving: [],
      late: undefined,
      intervalSec: 30,
      presenceTtlSec: 120,
      widthsSec: [30, 30],
    };
    const first = await flushShard(deps, plan);
    if (first.kind !== "written") throw new Error(`not written: ${first.kind}`);
    expect(first.fresh.get("v5")).toBe(0); // the index its heartbeat got
    expect(new Set(first.fresh.values()).size).toBe(VIEWERS);
    expect(first.count).toMatchObject({ viewers: VIEWERS, estimated: false });
    const epoch = epochAt(h.clock.nowMs);
    expect(await h.redis.llen(h.keys.viewerList(stageId, epoch))).toBe(VIEWERS);

    // The next flush sends indexes only; two viewers left (one of them indexed over HTTP).
    for (const viewer of viewers.values()) viewer.index = first.fresh.get(viewer.viewerId);
    viewers.delete("v5");
    viewers.delete("v9999");
    h.advance(30_000);
    const second = await flushShard(deps, {
      ...plan,
      nowMs: h.clock.nowMs,
      generation: first.generation,
      leaving: ["v5", "v9999"],
    });
    if (second.kind !== "written") throw new Error(`not written: ${second.kind}`);
    expect(second.fresh.size).toBe(0);
    expect(second.count.viewers).toBe(VIEWERS - 2);
    expect(await h.viewers(stageId)).toBe(VIEWERS - 2);

    // A view out of date writes nothing: indexes of another generation, or another `accepts`.
    expect((await flushShard(deps, { ...plan, generation: "older" })).kind).toBe("stale");
    expect((await flushShard(deps, { ...plan, accepts: "sa" })).kind).toBe("changed");
    expect(await h.redis.llen(h.keys.viewerList(stageId, epoch))).toBe(VIEWERS);
  }, 60_000);
});
