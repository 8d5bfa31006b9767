/**
 * Plays an audience plan against the API through the typed client: each tab sends its
 * heartbeats when the last answer's `nextHeartbeatInMs` says (about every 30 s), with its
 * ticket, its country (`CF-IPCountry`) and its device (`User-Agent`), and leaves as planned.
 * Time is a parameter: the demo passes the real clock, the browser test a virtual one that
 * moves as fast as the in-process app answers.
 */
import type { PresenceClient } from "@viewer-presence/client";
import type { ViewerPlan } from "./audience-plan";

/** The clock the run follows: the wall clock, or a virtual one whose sleep moves it. */
export interface AudienceClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface AudienceProgress {
  elapsedMs: number;
  /** Viewers with at least one tab open. */
  watching: number;
  heartbeats: number;
  failures: number;
}

export interface AudienceSummary extends AudienceProgress {
  viewers: number;
  twoTabViewers: number;
  leaves: number;
  /** Leaves not acknowledged (the viewer then drops out within the presence TTL). */
  leavesRefused: number;
  /** Heartbeats refused, by HTTP status (0: no answer). */
  failuresByStatus: Record<string, number>;
  /** The most viewers watching at once, as the plan played. */
  peakWatching: number;
}

export interface RunAudienceOptions {
  /** The typed client, with the admin key (viewer tokens are issued through it). */
  client: PresenceClient;
  plan: readonly ViewerPlan[];
  durationMs: number;
  clock: AudienceClock;
  /** Ends the run early (Ctrl-C). */
  signal?: AbortSignal;
  /** At the end, every tab still open leaves (default: only those planned to). */
  everyoneLeavesAtEnd?: boolean;
  /** Called at most once per `progressEveryMs` (default 1 s of the run's clock). */
  onProgress?: (progress: AudienceProgress) => void;
  progressEveryMs?: number;
  /** Requests in flight at once (default 32). */
  concurrency?: number;
  /** Lifetime of the viewer tokens, s (default 3 h, at most a day). */
  tokenTtlSec?: number;
}

interface Tab {
  viewer: ViewerPlan;
  state: { token?: string; tabsOpen: number };
  nextAtMs: number;
  ticket?: string;
  open: boolean;
  closed: boolean;
}

/** Runs the plan until `durationMs` has passed on the clock or `signal` aborts. */
export async function runAudience(options: RunAudienceOptions): Promise<AudienceSummary> {
  const { client, plan, clock, signal } = options;
  const startMs = clock.now();
  const endMs = startMs + options.durationMs;
  const limit = options.concurrency ?? 32;
  const ttlSec = Math.min(86_400, options.tokenTtlSec ?? 3 * 3600);
  const tabs: Tab[] = plan.flatMap((viewer, i) => {
    const state = { tabsOpen: 0 };
    // A second tab opens a little after the first, on the same viewer (and token).
    const second = 5_000 + ((i * 7919) % 55_000);
    return Array.from({ length: viewer.tabs }, (_, tab) => ({
      viewer,
      state,
      nextAtMs: startMs + viewer.joinAtMs + (tab === 0 ? 0 : second),
      open: false,
      closed: false,
    }));
  });
  const summary: AudienceSummary = {
    elapsedMs: 0,
    watching: 0,
    heartbeats: 0,
    failures: 0,
    viewers: plan.length,
    twoTabViewers: plan.filter((viewer) => viewer.tabs === 2).length,
    leaves: 0,
    leavesRefused: 0,
    failuresByStatus: {},
    peakWatching: 0,
  };
  const fail = (status: number) => {
    summary.failures++;
    summary.failuresByStatus[status] = (summary.failuresByStatus[status] ?? 0) + 1;
  };

  const tokenFor = async (viewer: ViewerPlan, state: Tab["state"]) => {
    if (state.token !== undefined) return state.token;
    const { data, response } = await client.POST("/v1/stages/{stageId}/viewer-tokens", {
      params: { path: { stageId: viewer.stageId } },
      body: { viewerId: viewer.viewerId, ttlSec },
    });
    if (data === undefined) throw new Error(`issueViewerToken answered ${response.status}`);
    state.token = data.token;
    return data.token;
  };

  const leave = async (tab: Tab) => {
    tab.closed = true;
    if (!tab.open) return;
    tab.open = false;
    tab.state.tabsOpen--;
    // The last tab's pagehide says goodbye; the others close silently.
    if (tab.state.tabsOpen > 0 || tab.state.token === undefined) return;
    const answer = await client
      .POST("/v1/stages/{stageId}/leave", {
        params: { path: { stageId: tab.viewer.stageId } },
        body: { token: tab.state.token },
      })
      .catch(() => undefined);
    if (answer?.response.ok) summary.leaves++;
    else summary.leavesRefused++;
  };

  const beat = async (tab: Tab, nowMs: number) => {
    const { viewer } = tab;
    if (nowMs >= startMs + viewer.leaveAtMs) {
      if (viewer.sendsLeave) await leave(tab);
      else tab.closed = true;
      if (tab.open) {
        tab.open = false;
        tab.state.tabsOpen--;
      }
      return;
    }
    try {
      const token = await tokenFor(viewer, tab.state);
      const { data, response } = await client.POST("/v1/stages/{stageId}/heartbeats", {
        params: {
          path: { stageId: viewer.stageId },
          query: tab.ticket === undefined ? {} : { ticket: tab.ticket },
        },
        headers: {
          authorization: `Bearer ${token}`,
          "user-agent": viewer.userAgent,
          ...countryHeaders(viewer.country),
        },
      });
      if (data !== undefined) {
        summary.heartbeats++;
        if (!tab.open) {
          tab.open = true;
          tab.state.tabsOpen++;
        }
        tab.ticket = data.ticket;
        tab.nextAtMs = nowMs + data.nextHeartbeatInMs;
        return;
      }
      fail(response.status);
      // The player stops on what it cannot fix (an ended stage: 410), and backs off otherwise.
      if (response.status === 410 || response.status === 404 || response.status === 401) {
        tab.closed = true;
      } else {
        const retryAfter = Number(response.headers.get("retry-after"));
        tab.nextAtMs =
          nowMs + (Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 5) * 1000;
      }
    } catch {
      fail(0);
      tab.nextAtMs = nowMs + 5_000;
    }
  };

  const watching = () => countWatching(tabs);
  let lastProgressMs = Number.NEGATIVE_INFINITY;
  const progressEveryMs = options.progressEveryMs ?? 1_000;
  const report = (nowMs: number) => {
    summary.elapsedMs = nowMs - startMs;
    summary.watching = watching();
    summary.peakWatching = Math.max(summary.peakWatching, summary.watching);
    if (nowMs - lastProgressMs >= progressEveryMs) {
      lastProgressMs = nowMs;
      options.onProgress?.({ ...summary });
    }
  };

  while (!signal?.aborted) {
    const nowMs = clock.now();
    if (nowMs >= endMs) break;
    const due = tabs.filter((tab) => !tab.closed && tab.nextAtMs <= nowMs);
    for (let i = 0; i < due.length; i += limit) {
      await Promise.all(due.slice(i, i + limit).map((tab) => beat(tab, nowMs)));
    }
    report(nowMs);
    const next = Math.min(endMs, ...tabs.filter((t) => !t.closed).map((t) => t.nextAtMs));
    await clock.sleep(Math.max(0, next - clock.now()), signal).catch(() => undefined);
  }
  // The run is over: planned goodbyes (or everyone's) are sent, `limit` at a time as the
  // heartbeats are (all at once, a few hundred leave scripts outran the 1-s Redis deadline).
  const leaving = tabs.filter(
    (tab) => tab.open && (options.everyoneLeavesAtEnd || tab.viewer.sendsLeave),
  );
  for (let i = 0; i < leaving.length; i += limit) {
    await Promise.all(leaving.slice(i, i + limit).map((tab) => leave(tab)));
  }
  report(Math.min(clock.now(), endMs));
  return summary;
}

/**
 * The headers that carry a viewer's country to the worker. Cloudflare sets `CF-IPCountry` (and
 * `request.cf.country`, which the worker prefers) itself; locally the in-process app reads the
 * header, but `wrangler dev` gives every request a placeholder `cf` whose country is "US".
 * Miniflare (wrangler dev's runtime) takes a request's `cf` from its `MF-CF-Blob` header
 * instead, so the country goes there too (`clientAcceptEncoding: ""` keeps the answer
 * uncompressed, as without the header). Cloudflare ignores that header.
 */
export function countryHeaders(country: string): Record<string, string> {
  return {
    "cf-ipcountry": country,
    "mf-cf-blob": JSON.stringify({ country, clientAcceptEncoding: "" }),
  };
}

function countWatching(tabs: readonly Tab[]): number {
  const viewers = new Set<string>();
  for (const tab of tabs) if (tab.open) viewers.add(tab.viewer.viewerId);
  return viewers.size;
}

/** The wall clock; its sleep ends early when `signal` aborts. */
export const wallClock: AudienceClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      }
      signal?.addEventListener("abort", done, { once: true });
    }),
};

/** A clock that starts at `startMs` and moves only when slept on: hours of audience in seconds. */
export function virtualClock(startMs: number): AudienceClock & { nowMs: number } {
  const clock = {
    nowMs: startMs,
    now: () => clock.nowMs,
    sleep: async (ms: number) => {
      clock.nowMs += Math.max(1, ms);
    },
  };
  return clock;
}
