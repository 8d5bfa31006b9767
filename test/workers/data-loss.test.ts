/**
 * Redis losing its data while heartbeats of several stages arrive at once, inside workerd, each
 * heartbeat a request of its own (`exports.default.fetch`, not `worker.fetch` in the test's own
 * context). workerd forbids a request to wait for a promise another request started: when that
 * request ends first (its client left), the waiting ones hang ("Worker's code had hung", "A
 * promise was resolved or rejected from a different request context"), which in-process tests
 * cannot see. Some viewers here leave mid-heartbeat, as closed tabs do. Every other answer must
 * be a 200, or a 503 problem+json with Retry-After; none a 500, none a hang.
 */
import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { Redis } from "@upstash/redis";
import { signViewerToken } from "@viewer-presence/tokens";
import { describe, expect, inject, it } from "vitest";

/** The worker's own bindings (vitest.config.ts). */
const bound = env as Record<"ADMIN_API_KEY" | "VIEWER_TOKEN_SECRET" | "REDIS_KEY_PREFIX", string>;
/** Longer than any answer may take (a heartbeat's store calls have 1 s deadlines): a hang. */
const HUNG_MS = 8_000;

interface Answer {
  /** Whose heartbeat: `<stage>/<viewer>`. */
  of: string;
  status: number | "left" | "hung";
  type?: string | null;
  retryAfter?: string | null;
  body?: string;
}

/** One heartbeat; a viewer who `leavesAfterMs` closes the tab (aborts the request) by then. */
async function heartbeat(stageId: string, viewerId: string, leavesAfterMs?: number) {
  const { token } = await signViewerToken({
    secret: bound.VIEWER_TOKEN_SECRET,
    viewerId,
    stageId,
    nowMs: Date.now(),
  });
  const leaving = new AbortController();
  if (leavesAfterMs !== undefined) setTimeout(() => leaving.abort(), leavesAfterMs);
  try {
    const response = await exports.default.fetch(
      `http://worker.test/v1/stages/${stageId}/heartbeats`,
      {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.any([leaving.signal, AbortSignal.timeout(HUNG_MS)]),
      },
    );
    return {
      of: `${stageId}/${viewerId}`,
      status: response.status,
      type: response.headers.get("content-type"),
      retryAfter: response.headers.get("retry-after"),
      body: await response.text(),
    } satisfies Answer;
  } catch (error) {
    const of = `${stageId}/${viewerId}`;
    if (leaving.signal.aborted) return { of, status: "left" } satisfies Answer;
    if ((error as Error).name === "TimeoutError") return { of, status: "hung" } satisfies Answer;
    throw error;
  }
}

const acceptable = (answer: Answer) =>
  answer.status === 200 ||
  answer.status === "left" ||
  (answer.status === 503 &&
    answer.type === "application/problem+json" &&
    answer.retryAfter !== null);

describe("Redis data lost under concurrent heartbeats, in workerd", () => {
  it("answers every heartbeat 200 or 503 problem+json, never 500 or a hang", async () => {
    const stack = inject("stackEnv");
    const redis = new Redis({
      url: stack.UPSTASH_REDIS_REST_URL,
      token: stack.UPSTASH_REDIS_REST_TOKEN,
      enableTelemetry: false,
    });
    /** Deletes every key of the worker's prefix: what a FLUSHALL does to it. */
    const loseRedisData = async () => {
      const keys = await redis.keys(`${bound.REDIS_KEY_PREFIX}*`);
      if (keys.length > 0) await redis.del(...keys);
    };
    const stageIds: string[] = [];
    for (let i = 0; i < 6; i++) {
      const id = `dl${crypto.randomUUID().slice(0, 8)}`;
      const created = await exports.default.fetch("http://worker.test/v1/stages", {
        method: "POST",
        headers: {
          authorization: `Bearer ${bound.ADMIN_API_KEY}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ id, title: `Loss ${i}` }),
      });
      expect(created.status).toBe(201);
      stageIds.push(id);
    }

    const wrong: Answer[] = [];
    let answered = 0;
    for (let round = 0; round < 4 && wrong.length === 0; round++) {
      await loseRedisData();
      // A stage this isolate never saw: its heartbeat runs the checking script, which finds the
      // marker gone, so the loss is noticed at once rather than at the next registry check.
      const probe = `dl${crypto.randomUUID().slice(0, 8)}`;
      const probed = heartbeat(probe, "probe");
      // Then 16 viewers a stage (new ones each round: a viewer may beat a few times an
      // interval), in waves while the registry is rebuilt, one in four leaving within 40 ms.
      const beats: Promise<Answer>[] = [];
      const waves = 8;
      for (let wave = 0; wave < waves; wave++) {
        for (const stageId of stageIds) {
          for (let i = wave; i < 16; i += waves) {
            const leaves = i % 4 === 0 ? Math.random() * 40 : undefined;
            beats.push(heartbeat(stageId, `r${round}v${i}`, leaves));
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const answers = await Promise.all(beats);
      answered += answers.filter((answer) => typeof answer.status === "number").length;
      wrong.push(...answers.filter((answer) => !acceptable(answer)));
      const probeAnswer = await probed;
      if (probeAnswer.status !== 404 && !acceptable(probeAnswer)) wrong.push(probeAnswer);
    }
    expect(wrong).toEqual([]);
    expect(answered).toBeGreaterThan(200); // most viewers stayed, and were answered
  }, 60_000);
});
