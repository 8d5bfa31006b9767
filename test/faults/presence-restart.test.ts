/**
 * The loss bound of presence sockets (issue 17): `wrangler dev` stopped and started again on the
 * same port under connected viewers, which closes every socket and drops every Durable Object
 * from memory as a deploy does (their storage stays). Viewers reconnect with a jittered backoff.
 * A ledger of what each page saw (when its socket was open) is checked against Redis and the sync
 * job's viewing records: no viewer counted twice, the count right after the reconnects, and watch
 * time lost at most one slot per viewer (never more credited than the socket was open).
 */
import { createDocumentClient, createRedis } from "@viewer-presence/shared/clients";
import { parseConfig } from "@viewer-presence/shared/config";
import { SYNC_CALL_DEADLINES } from "@viewer-presence/shared/deadlines";
import { redisKeys } from "@viewer-presence/shared/redis-keys";
import { epochAt } from "@viewer-presence/shared/slot-bitmaps";
import {
  coveredSeconds,
  type Slot,
  slotAt,
  WINDOW_MS,
  windowIndex,
  windowStartMs,
} from "@viewer-presence/shared/windows";
import { signViewerToken } from "@viewer-presence/tokens";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSync } from "../../sync/run-sync";
import { startWranglerDev } from "../stack";
import { findFreePort } from "../stack/free-port";
import { openPresencePage, type PresencePage } from "../stack/presence-page";
import { adminHeaders, TEST_TOKEN_SECRET, testBindings, uniqueId } from "../test-env";
import { type FaultStack, startFaultStack } from "./fault-stack";

const VIEWERS = 8;
const INTERVAL_SEC = 30;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let stack: FaultStack;
let bindings: Record<string, string>;
let port: number;
let worker: Awaited<ReturnType<typeof startWranglerDev>> | undefined;

beforeAll(async () => {
  stack = await startFaultStack();
  bindings = testBindings(stack.env, { REDIS_KEY_PREFIX: `${uniqueId("wr")}:` });
  port = await findFreePort();
  worker = await startWranglerDev({ port, vars: bindings });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await stack?.stop();
});

/** When each viewer's page held an open socket (ms), the ledger's one fact. */
type OpenSpans = Map<string, { fromMs: number; toMs?: number }[]>;

/** The slots a flush may credit while a socket was open: every slot the spans touch. */
function ledgerSeconds(spans: { fromMs: number; toMs?: number }[], window: number, endMs: number) {
  const slots: Slot[] = [];
  for (const span of spans) {
    for (let at = span.fromMs; at <= (span.toMs ?? endMs); at += 1_000) {
      if (windowIndex(at) === window) slots.push(slotAt(at, INTERVAL_SEC));
    }
  }
  return coveredSeconds(slots);
}

/** A viewer's page: reconnects with jittered backoff when the socket closes, until told to stop. */
function keepConnected(
  url: () => string,
  stageId: string,
  viewerId: string,
  token: string,
  spans: OpenSpans,
) {
  let page: PresencePage | undefined;
  let stopped = false;
  const own = spans.get(viewerId) ?? [];
  spans.set(viewerId, own);
  const connect = async (): Promise<void> => {
    for (let attempt = 0; !stopped; attempt++) {
      try {
        page = await openPresencePage(url(), stageId, `token=${token}`);
        const span: { fromMs: number; toMs?: number } = { fromMs: Date.now() };
        own.push(span);
        void page.closed.then(() => {
          span.toMs = Date.now();
          if (!stopped) void connect();
        });
        return;
      } catch {
        await sleep(Math.min(4_000, 250 * 2 ** attempt) * (0.5 + Math.random()));
      }
    }
  };
  return {
    ready: connect(),
    page: () => page,
    stop() {
      stopped = true;
      page?.socket.send(JSON.stringify({ type: "leave" }));
    },
  };
}

describe("presence shards restarted under connected viewers", () => {
  it("counts nobody twice, is right after the reconnects, and loses at most a slot of watch time a viewer", async () => {
    // Room in this window for a slot before the restart, the restart, and a slot after it.
    const roomMs = windowStartMs(windowIndex(Date.now()) + 1) - Date.now();
    if (roomMs < 140_000) await sleep(roomMs + 1_000);
    const window = windowIndex(Date.now());
    const url = () => worker!.url;
    const stageId = uniqueId("wr");
    const created = await fetch(`${url()}/v1/stages`, {
      method: "POST",
      headers: adminHeaders,
      body: JSON.stringify({ id: stageId, title: "Restarted" }),
    });
    expect(created.status).toBe(201);
    const spans: OpenSpans = new Map();
    const viewers = await Promise.all(
      Array.from({ length: VIEWERS }, async (_, i) => {
        const viewerId = `viewer-${i}`;
        const nowMs = Date.now();
        const { token } = await signViewerToken({
          secret: TEST_TOKEN_SECRET,
          viewerId,
          stageId,
          nowMs,
        });
        return keepConnected(url, stageId, viewerId, token, spans);
      }),
    );
    await Promise.all(viewers.map((viewer) => viewer.ready));
    await viewers[0]!.page()!.countWhere((n) => n === VIEWERS);
    // A regular flush of the next slot, then the restart (every socket closes).
    const slot = slotAt(Date.now(), INTERVAL_SEC);
    await sleep(
      windowStartMs(window) + (slot.offsetSec + INTERVAL_SEC) * 1000 - Date.now() + 3_000,
    );
    await worker!.stop();
    // A deploy keeps the objects' storage: the restarted runtime finds the same state.
    worker = await startWranglerDev({ port, vars: bindings, persistTo: worker!.persistTo });
    const watcher = await openPresencePage(url(), stageId, "watch=true");
    // Everyone back: the count is right at once after the reconnects, nobody counted twice.
    const back = await watcher.countWhere((n) => n === VIEWERS);
    expect(back.viewers).toBe(VIEWERS);
    await sleep(2_500);
    const after = await (await fetch(`${url()}/v1/stages/${stageId}/viewers`)).json();
    expect(after).toMatchObject({ viewers: VIEWERS, estimated: false });
    const redis = createRedis(parseConfig(bindings), SYNC_CALL_DEADLINES.redis);
    const keys = redisKeys(bindings.REDIS_KEY_PREFIX!);
    expect(await redis.llen(keys.viewerList(stageId, epochAt(Date.now())))).toBe(VIEWERS);

    // One more regular flush after the restart, then the viewers leave and the window is synced.
    const slotAfter = slotAt(Date.now(), INTERVAL_SEC);
    await sleep(
      windowStartMs(window) + (slotAfter.offsetSec + INTERVAL_SEC) * 1000 - Date.now() + 3_000,
    );
    const endMs = Date.now();
    for (const viewer of viewers) viewer.stop();
    watcher.close();
    await sleep(1_500);
    const config = parseConfig(bindings);
    await runSync({
      redis: createRedis(config, SYNC_CALL_DEADLINES.redis),
      db: createDocumentClient(config, SYNC_CALL_DEADLINES.dynamo),
      config,
      now: () => windowStartMs(window) + WINDOW_MS + 60_000,
      log: () => {},
    });
    const from = encodeURIComponent(new Date(windowStartMs(window)).toISOString());
    const records = (await (
      await fetch(`${url()}/v1/stages/${stageId}/viewing-records?from=${from}`, {
        headers: adminHeaders,
      })
    ).json()) as { items: { viewerId: string; seconds: number }[] };
    const credited = new Map(records.items.map((record) => [record.viewerId, record.seconds]));
    const lost: number[] = [];
    for (const [viewerId, open] of spans) {
      // The restart closed every socket: each page reconnected.
      expect(open.length, viewerId).toBeGreaterThanOrEqual(2);
      const ledger = ledgerSeconds(open, window, endMs);
      const seconds = credited.get(viewerId) ?? 0;
      lost.push(ledger - seconds);
      expect(seconds, viewerId).toBeLessThanOrEqual(ledger);
      expect(ledger - seconds, viewerId).toBeLessThanOrEqual(INTERVAL_SEC);
    }
    console.log(`watch time lost per viewer across the restart (s): ${lost.join(", ")}`);
  }, 330_000);
});
