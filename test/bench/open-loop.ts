/**
 * Heartbeats offered at a fixed rate, whatever the answers (an open loop: a slow answer does not
 * slow the next heartbeat down, as a real audience does not wait for other viewers' answers),
 * and what came back, sorted into the outcomes an overload bench reports.
 */
import { signViewerToken } from "@viewer-presence/tokens";

export interface Viewer {
  stageId: string;
  token: string;
  /** The ticket of the viewer's last answered heartbeat, sent with the next (as the client does). */
  ticket?: string;
}

export interface Answer {
  /** From the moment the heartbeat was sent to its answer's body, in ms. */
  ms: number;
  /** 0: no answer within the client's timeout. */
  status: number;
  retryAfter: string | null;
}

/** What the answers to one level of load came to. */
export interface Outcome {
  /** Heartbeats sent per second, as sent (first to last send), not as planned. */
  offeredPerSec: number;
  sent: number;
  /** p50 and p99 of the heartbeats answered 200, in ms (NaN when none was). */
  p50: number;
  p99: number;
  ok: number;
  /** 503s answered before `fastBelowMs`: refused unsent (command budget, in-flight cap, breaker). */
  shedAtOnce: number;
  /** Of those, the ones with `Retry-After: 1`: the command budget's refusals. */
  shedByBudget: number;
  /** 503s answered at or after `fastBelowMs`: a call that waited for its deadline. */
  deadline: number;
  /** Anything else: no answer, 429, 5xx other than 503, ... */
  other: number;
}

/** Signs `count` viewer tokens for one stage (viewer ids `<label>-<i>`), an hour long. */
export async function viewersOf(
  secret: string,
  stageId: string,
  label: string,
  count: number,
): Promise<Viewer[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const { token } = await signViewerToken({
        secret,
        viewerId: `${label}-${i}`,
        stageId,
        ttlSec: 3600,
        nowMs: Date.now(),
      });
      return { stageId, token };
    }),
  );
}

/** One heartbeat; keeps the ticket an answered one carries. */
export async function beat(baseUrl: string, viewer: Viewer, timeoutMs: number): Promise<Answer> {
  const query = viewer.ticket === undefined ? "" : `?ticket=${encodeURIComponent(viewer.ticket)}`;
  const started = performance.now();
  try {
    const response = await fetch(`${baseUrl}/v1/stages/${viewer.stageId}/heartbeats${query}`, {
      method: "POST",
      headers: { authorization: `Bearer ${viewer.token}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    if (response.status === 200) viewer.ticket = (JSON.parse(text) as { ticket: string }).ticket;
    return {
      ms: performance.now() - started,
      status: response.status,
      retryAfter: response.headers.get("retry-after"),
    };
  } catch {
    return { ms: performance.now() - started, status: 0, retryAfter: null };
  }
}

/**
 * Sends `perSec` heartbeats a second for `durationMs`, the viewers taken in turn (so each beats
 * every `viewers.length / perSec` s), each on its schedule whether or not earlier ones were
 * answered; resolves once every one is answered or timed out.
 */
export async function offer(
  baseUrl: string,
  viewers: Viewer[],
  perSec: number,
  durationMs: number,
  timeoutMs: number,
): Promise<{ answers: Answer[]; sendMs: number }> {
  const total = Math.round((perSec * durationMs) / 1000);
  const pending: Promise<Answer>[] = [];
  const started = performance.now();
  let lastSentAt = started;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - started) * perSec) / 1000) + 1);
      while (pending.length < due) {
        pending.push(beat(baseUrl, viewers[pending.length % viewers.length]!, timeoutMs));
        lastSentAt = performance.now();
      }
      if (pending.length >= total) resolve();
      else setTimeout(tick, 5);
    };
    tick();
  });
  return { answers: await Promise.all(pending), sendMs: lastSentAt - started };
}

/** Sorts the answers; a 503 answered in less than `fastBelowMs` was refused without waiting. */
export function outcomeOf(answers: Answer[], sendMs: number, fastBelowMs: number): Outcome {
  const okMs = answers
    .filter((a) => a.status === 200)
    .map((a) => a.ms)
    .sort((a, b) => a - b);
  const unavailable = answers.filter((a) => a.status === 503);
  const fast = unavailable.filter((a) => a.ms < fastBelowMs);
  const quantile = (q: number) => okMs[Math.max(0, Math.ceil(okMs.length * q) - 1)] ?? Number.NaN;
  return {
    offeredPerSec: sendMs > 0 ? ((answers.length - 1) * 1000) / sendMs : Number.NaN,
    sent: answers.length,
    p50: quantile(0.5),
    p99: quantile(0.99),
    ok: okMs.length,
    shedAtOnce: fast.length,
    shedByBudget: fast.filter((a) => a.retryAfter === "1").length,
    deadline: unavailable.length - fast.length,
    other: answers.length - okMs.length - unavailable.length,
  };
}
