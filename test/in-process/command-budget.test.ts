/**
 * Load shedding before the deadline (issue 22), in-process against a local Upstash endpoint
 * that throttles as Upstash does (test/stack/upstash-throughput.ts): over its commands per
 * second, requests wait in line. A burst of heartbeats well over the edge's command budget
 * (REDIS_COMMANDS_PER_SEC) gets the budget's worth sent and the rest answered 503 with
 * `Retry-After: 1` unsent; the endpoint never has to make a call wait, and every acknowledged
 * heartbeat is counted. Without a budget that binds, the same burst makes the endpoint queue
 * calls, which is what the budget spares them. Asserted through the endpoint's own counts
 * (`delayed`, `throttled`), not through timings. The app's clock stands still during a burst,
 * so the budget (a token bucket on that clock) does not refill mid-burst.
 */
import { describe, expect, it, vi } from "vitest";
import { localStackPerFile } from "../stack/stack-per-file";
import { uniqueId } from "../test-env";
import { severalDatabases } from "./databases-harness";

/** The endpoint's commands per second: far above what the budget lets the app send. */
const CAP = 400;
/**
 * The edge's budget, in commands as Upstash bills them (edge/redis-guard.ts): the endpoint's own
 * cap. These are every viewer's first heartbeat, which looks the viewer up and counts the stage
 * afresh so its answer includes them: 13 commands billed a request here, 16 declared (a count whose
 * presence window spans an hour's start declares both hours' groups; the older one is empty, so
 * its script skips 3 commands): the budget sends 25 of them, and the endpoint never has to make
 * one wait. (Counted in calls, as it was, a budget of 400 would let all 300 through, about 3,900
 * commands.)
 */
const BUDGET = CAP;
/** More heartbeats at once than the budget takes, and than the endpoint runs in a second. */
const BURST = 300;

const stack = localStackPerFile({ maxCommandsPerSecond: CAP });

async function burst(budget: number) {
  const t = severalDatabases(stack());
  t.env.REDIS_COMMANDS_PER_SEC = String(budget);
  const stageId = uniqueId("budget");
  expect((await t.createStage({ id: stageId, title: stageId })).status).toBe(201);
  // The isolate's first heartbeats rebuild what it caches (registry, stage copy); the burst
  // comes after, a second later by the app's clock each time, with the budget full again.
  for (const viewer of ["warm-0", "warm-1"]) {
    t.clock.nowMs += 1_000;
    expect((await t.beat(stageId, viewer)).status).toBe(200);
  }
  t.clock.nowMs += 1_000;
  const proxy = stack().databases[0]!.proxy;
  proxy.resetStats();
  const viewers = Array.from({ length: BURST }, (_, i) => `viewer-${i}`);
  const answers = await Promise.all(viewers.map((viewer) => t.beat(stageId, viewer)));
  const endpoint = proxy.stats();
  return { t, stageId, viewers, answers, endpoint };
}

describe("a command budget under a burst over it", () => {
  it("sends the budget's worth, answers the rest 503 + Retry-After: 1 unsent, and counts every acknowledged heartbeat", async () => {
    const { t, stageId, viewers, answers, endpoint } = await burst(BUDGET);
    const acknowledged = viewers.filter((_, i) => answers[i]!.status === 200);
    console.info(
      `budget ${BUDGET}, ${BURST} heartbeats at once: ${acknowledged.length} answered 200, ` +
        `${BURST - acknowledged.length} 503; endpoint ${JSON.stringify(endpoint)}`,
    );
    const shed = answers.filter((answer) => answer.status === 503);
    expect(acknowledged.length + shed.length).toBe(BURST);
    expect(acknowledged.length).toBeGreaterThan(0);
    // The commands the budget let through stay within it: what each call declared is what the
    // endpoint counted, or more (an undercount would let the endpoint queue them).
    expect(endpoint.commands).toBeLessThanOrEqual(BUDGET);
    expect(acknowledged.length).toBeLessThan(BUDGET / 5);
    for (const answer of shed) {
      expect(answer.headers.get("content-type")).toContain("application/problem+json");
      expect(answer.headers.get("retry-after")).toBe("1");
    }
    // Nothing waited at the endpoint, and nothing was refused there.
    expect(endpoint).toMatchObject({ delayed: 0, throttled: 0 });

    // The ledger: every acknowledged viewer is counted, and no refused one (never sent).
    t.clock.nowMs += 2_000;
    const count = await t.request(`/v1/stages/${stageId}/viewers`);
    expect(count.status).toBe(200);
    expect(await count.json()).toMatchObject({ viewers: acknowledged.length + 2 });
  });

  it("without a budget that binds, the same burst queues at the endpoint past the heartbeats' deadline (what the budget spares)", async () => {
    const { answers } = await burst(1_000_000);
    for (const answer of answers) expect([200, 503]).toContain(answer.status);
    // The endpoint runs 400 commands a second and the burst brings several times that: calls
    // wait in its line, most past the edge's 1 s deadline (their 503s come only after it).
    const proxy = stack().databases[0]!.proxy;
    await vi.waitFor(() => expect(proxy.stats().delayed).toBeGreaterThan(0), { timeout: 15_000 });
    const late = answers.filter((a) => a.status === 503);
    expect(late.length).toBeGreaterThan(0);
    for (const answer of late) expect(answer.headers.get("retry-after")).toBe("5");
    console.info(
      `no binding budget, ${BURST} heartbeats at once on a ${CAP} commands/s endpoint: ` +
        `${BURST - late.length} answered 200, ${late.length} 503 after the deadline; ` +
        `endpoint ${JSON.stringify(proxy.stats())}`,
    );
  }, 30_000);
});
