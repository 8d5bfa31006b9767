/**
 * The presence shard's alarm reads each socket's attachment once (issue 22). A busy shard's
 * alarm rings every second, and a shard holds up to ~10,000 sockets: each read is a
 * deserialisation, so reading them once per step (the alarm's own pass, the flush plan, the
 * indexes after the flush, the push) cost several times the audience a second.
 *
 * The sockets are opened on the shard directly, with the admission the worker would attach, so
 * many open quickly; the alarm runs inside the object (`runInDurableObject`), with the runtime's
 * `deserializeAttachment` counted.
 *
 * Measured with VIEWERS at 10,000 (2026-12-07, workerd under vitest on 2 shared cores, load 8-14):
 * one read takes 3.4-5.4 µs there (300,000 in 1.0-1.6 s); the shard read 60,012 attachments for
 * a slot's write and 60,006 for an early flush before, 10,002 and 10,001 now: about 50,000 reads,
 * 0.17-0.27 s of CPU, fewer a flushing alarm. The alarms' own times (0.5-1.2 s, mostly the
 * 10,000-viewer Redis write) varied more between runs than that, on either version.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { acceptedViewerKinds } from "@viewer-presence/shared/heartbeat-acceptance";
import { redisKeys } from "@viewer-presence/shared/redis-keys";
import { epochAt } from "@viewer-presence/shared/slot-bitmaps";
import { describe, expect, it } from "vitest";
import { ADMISSION_HEADER, admissionHeader } from "../../edge/presence/socket-shards";
import type { DurableObjectStorage } from "../../edge/worker-types";
import { stackRedis } from "./stack-redis";

/** Viewers' sockets opened on the shard (one of them with a second tab, and one watcher). */
const VIEWERS = 200;

const bound = env as Record<"ADMIN_API_KEY" | "REDIS_KEY_PREFIX", string>;
const shards = env.PRESENCE_SHARDS as {
  idFromName(name: string): unknown;
  get(id: unknown): {
    fetch(request: Request): Promise<Response & { webSocket: WorkerSocket | null }>;
  };
};

async function createStage() {
  const stageId = `rd${crypto.randomUUID().slice(0, 8)}`;
  const created = await exports.default.fetch("http://worker.test/v1/stages", {
    method: "POST",
    headers: { authorization: `Bearer ${bound.ADMIN_API_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ id: stageId, title: "Attachment reads" }),
  });
  expect(created.status).toBe(201);
  const stage = (await created.json()) as { status: "live"; allowAnonymous: boolean };
  return { stageId, accepts: acceptedViewerKinds(stage) };
}

/** Opens a socket on the shard as the worker would after admitting it. */
async function open(
  shard: ReturnType<typeof shards.get>,
  stageId: string,
  accepts: string,
  viewerId: string | undefined,
) {
  const admission = {
    stageId,
    database: 0,
    accepts,
    state: "playing" as const,
    ...(viewerId === undefined
      ? {}
      : {
          viewer: {
            viewerId,
            anonymous: false,
            audienceTag: "US|desktop",
            tokenExpiresAtMs: Date.now() + 3_600_000,
          },
        }),
  };
  const response = await shard.fetch(
    new Request(`http://shard.test/v1/stages/${stageId}/presence`, {
      headers: { upgrade: "websocket", [ADMISSION_HEADER]: admissionHeader(admission) },
    }),
  );
  expect(response.status).toBe(101);
  const socket = response.webSocket!;
  socket.accept();
  return socket;
}

/**
 * Runs the alarm inside the object; how many attachments it read.
 * The alarm it would have rung, and the one it sets, are removed: the object's own alarms would
 * run beside the counted one (and be counted).
 */
async function countedAlarm(shard: ReturnType<typeof shards.get>) {
  await withoutAlarm(shard);
  const reads = await runInDurableObject(shard, async (instance: { alarm(): Promise<void> }) => {
    const counter = countReads();
    try {
      await instance.alarm();
    } finally {
      counter.stop();
    }
    return counter.reads();
  });
  await withoutAlarm(shard);
  return { reads };
}

/** Counts the runtime's `deserializeAttachment` calls (in this isolate) until `stop`. */
function countReads() {
  const prototype = WebSocket.prototype as unknown as { deserializeAttachment(): unknown };
  const read = prototype.deserializeAttachment;
  let reads = 0;
  prototype.deserializeAttachment = function (this: unknown) {
    reads++;
    return read.call(this);
  };
  return {
    reads: () => reads,
    stop: () => {
      prototype.deserializeAttachment = read;
    },
  };
}

/** Removes the shard's alarm, so that it rings only when the test runs it. */
function withoutAlarm(shard: ReturnType<typeof shards.get>) {
  return runInDurableObject(shard, (_instance: unknown, state: { storage: DurableObjectStorage }) =>
    state.storage.deleteAlarm(),
  );
}

/**
 * Rings another stage's shard until its flush is written: the first flush into a database whose
 * registry is not built yet finds it "lost" (and rebuilds it) instead of writing.
 */
async function untilRegistryBuilt() {
  const { stageId, accepts } = await createStage();
  const shard = shards.get(shards.idFromName(`${stageId}/0/0`));
  const socket = await open(shard, stageId, accepts, "warm");
  for (let i = 0; i < 50; i++) {
    const written = await runInDurableObject(
      shard,
      async (instance: { alarm(): Promise<void> }, state: { storage: DurableObjectStorage }) => {
        await instance.alarm();
        return (await state.storage.get<{ writtenSlot?: string }>("meta"))?.writtenSlot;
      },
    );
    if (written !== undefined) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  socket.close(1000, "done");
}

/** The shard's open sockets, as it sees them. */
function openOnShard(shard: ReturnType<typeof shards.get>) {
  return runInDurableObject(
    shard,
    (_instance: unknown, state: { getWebSockets(): { readyState: number }[] }) =>
      state.getWebSockets().filter((socket) => socket.readyState === 1).length,
  );
}

describe("the presence shard's alarm", () => {
  it("reads each open socket's attachment once, whether it flushes or only pushes", async () => {
    await untilRegistryBuilt();
    const { stageId, accepts } = await createStage();
    const shard = shards.get(shards.idFromName(`${stageId}/0/0`));
    const sockets: WorkerSocket[] = [];
    for (let i = 0; i < VIEWERS; i++) sockets.push(await open(shard, stageId, accepts, `v${i}`));
    sockets.push(await open(shard, stageId, accepts, "v0"));
    sockets.push(await open(shard, stageId, accepts, undefined));
    // An alarm the openings set may be under way: let it end, then remove what it set.
    await withoutAlarm(shard);
    await new Promise((resolve) => setTimeout(resolve, 500));

    // The slot's write: every viewer, each handed an index kept in its sockets' attachments.
    const full = await countedAlarm(shard);
    const keys = redisKeys(bound.REDIS_KEY_PREFIX);
    expect(await stackRedis().llen(keys.viewerList(stageId, epochAt(Date.now())))).toBe(VIEWERS);
    // Nothing changed since: a push of the shard's own count.
    const push = await countedAlarm(shard);
    // One viewer leaves; past the gap (1 s here), an early flush writes the leave.
    sockets[VIEWERS - 1]!.close(1000, "bye");
    for (let i = 0; i < 100 && (await openOnShard(shard)) === sockets.length; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await withoutAlarm(shard);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const early = await countedAlarm(shard);

    expect(full.reads).toBe(sockets.length);
    expect(push.reads).toBe(sockets.length);
    expect(early.reads).toBe(sockets.length - 1);
    for (const socket of sockets) socket.close(1000, "done");
  });

  it("adds a viewer's new index to what a message wrote while the flush was under way", async () => {
    await untilRegistryBuilt();
    const { stageId, accepts } = await createStage();
    const shard = shards.get(shards.idFromName(`${stageId}/0/0`));
    const page = await open(shard, stageId, accepts, "mid");
    await withoutAlarm(shard);
    const after = await runInDurableObject(
      shard,
      async (
        instance: {
          alarm(): Promise<void>;
          webSocketMessage(socket: unknown, message: string): Promise<void>;
        },
        state: { getWebSockets(tag: string): { deserializeAttachment(): unknown }[] },
      ) => {
        const counter = countReads();
        const alarm = instance.alarm();
        // Once the alarm has read the socket, its next wait is the flush's Redis request.
        while (counter.reads() === 0) await new Promise((resolve) => setTimeout(resolve, 0));
        counter.stop();
        const [server] = state.getWebSockets("mid");
        await instance.webSocketMessage(server, JSON.stringify({ type: "state", state: "paused" }));
        await alarm;
        return server!.deserializeAttachment() as { state: string; index?: unknown };
      },
    );
    expect(after.state).toBe("paused");
    expect(after.index).toBeDefined();
    page.close(1000, "done");
  });
});
