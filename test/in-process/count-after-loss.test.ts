/**
 * The count between a FLUSHALL and the next registry check (issue 21, defect 9): the isolate
 * still trusts its stages, so a count read then sees only the viewers who beat since the loss
 * (2 of 20) unless it reads the marker `m` in the same request. It must say `estimated` (the
 * last snapshot's 20), never answer 2 as a live count.
 */
import { windowIndex, windowStartMs } from "@viewer-presence/shared/windows";
import { describe, expect, it } from "vitest";
import { createHarness, heartbeatAnswer, loseRedisData } from "./harness";

/**
 * A stage 20 viewers watched through a whole window, with its snapshot (20 live) taken, then
 * all 20 beating once more: the isolate has just checked the registry and counted.
 */
async function watchedStage() {
  const h = createHarness();
  const stageId = await h.createStage();
  const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => h.token(`v${i}`, stageId)));
  const window = windowIndex(h.clock.nowMs);
  while (h.clock.nowMs < windowStartMs(window + 1) + 60_000) {
    for (const token of tokens) expect((await heartbeatAnswer(h, stageId, token)).status).toBe(200);
    h.advance(30_000);
  }
  expect((await h.sync()).snapshots).toBe(1);
  for (const token of tokens) {
    expect(await heartbeatAnswer(h, stageId, token)).toMatchObject({ body: { viewers: 20 } });
  }
  return { h, stageId, tokens };
}

describe("the count after Redis lost its data, before the next registry check", () => {
  it("a count read says estimated (the snapshot's 20), not 2 live viewers", async () => {
    const { h, stageId, tokens } = await watchedStage();
    h.advance(3_000); // the registry was checked 3 s ago: the next check is 7 s away
    await loseRedisData(h);
    for (const token of tokens.slice(0, 2))
      expect((await heartbeatAnswer(h, stageId, token)).status).toBe(200);
    h.advance(2_001); // past the count-read cache
    const read = await h.request(`/v1/stages/${stageId}/viewers`);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ viewers: 20, estimated: true });
  });

  it("a heartbeat that refreshes the count says estimated too", async () => {
    const { h, stageId, tokens } = await watchedStage();
    // Another stage this isolate has not seen: its first heartbeat runs the checking script,
    // which checks the registry, so the check is not due when this stage's count is.
    const elsewhere = createHarness({ bindings: { REDIS_KEY_PREFIX: h.env.REDIS_KEY_PREFIX! } });
    elsewhere.clock.nowMs = h.clock.nowMs;
    const other = await elsewhere.createStage();
    h.advance(6_000);
    expect((await heartbeatAnswer(h, other, await h.token("o", other))).status).toBe(200);
    h.advance(2_000);
    await loseRedisData(h);
    h.advance(2_500); // this stage's count is 10.5 s old (due); the check 4.5 s (not due)
    const first = await heartbeatAnswer(h, stageId, tokens[0]!);
    expect(first).toMatchObject({ status: 200, body: { viewers: 20, estimated: true } });
  });
});
