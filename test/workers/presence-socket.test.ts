/**
 * Presence sockets inside workerd: the worker's admission (each upgrade a request of its own,
 * `exports.default.fetch`), the PresenceShard Durable Object with the hibernation API, its
 * alarms (run at once with `runDurableObjectAlarm` instead of waiting for them) and its flush
 * to the local Redis through the Upstash REST protocol.
 */
import { env, evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { redisKeys } from "@viewer-presence/shared/redis-keys";
import { epochAt } from "@viewer-presence/shared/slot-bitmaps";
import { signViewerToken } from "@viewer-presence/tokens";
import { describe, expect, it } from "vitest";
import { WATCH_UPGRADES_PER_INTERVAL } from "../../edge/presence/admit-socket";
import { SOCKET_PING, SOCKET_PONG } from "../../openapi/schemas/presence-socket";
import { stackRedis } from "./stack-redis";

const bound = env as Record<"ADMIN_API_KEY" | "VIEWER_TOKEN_SECRET" | "REDIS_KEY_PREFIX", string>;
const shards = env.PRESENCE_SHARDS as {
  idFromName(name: string): unknown;
  get(id: unknown): unknown;
};
const admin = {
  authorization: `Bearer ${bound.ADMIN_API_KEY}`,
  "content-type": "application/json",
};

async function createStage(body: Record<string, unknown> = {}) {
  const stageId = `ws${crypto.randomUUID().slice(0, 8)}`;
  const created = await exports.default.fetch("http://worker.test/v1/stages", {
    method: "POST",
    headers: admin,
    body: JSON.stringify({ id: stageId, title: "Sockets", ...body }),
  });
  expect(created.status).toBe(201);
  return stageId;
}

async function tokenFor(stageId: string, viewerId: string) {
  const signed = await signViewerToken({
    secret: bound.VIEWER_TOKEN_SECRET,
    viewerId,
    stageId,
    nowMs: Date.now(),
  });
  return signed.token;
}

/** A presence socket as a page holds it: every message it got, and how it closed. */
async function openSocket(stageId: string, query: string) {
  const response = await exports.default.fetch(
    `http://worker.test/v1/stages/${stageId}/presence?${query}`,
    { headers: { upgrade: "websocket" } },
  );
  expect(response.status).toBe(101);
  const socket = response.webSocket!;
  const messages: unknown[] = [];
  const closed: { code?: number } = {};
  socket.addEventListener("message", (event) => {
    messages.push(String(event.data));
  });
  socket.addEventListener("close", (event) => {
    closed.code = event.code;
  });
  socket.accept();
  const counts = () =>
    messages
      .filter((text) => text !== SOCKET_PONG)
      .map((text) => JSON.parse(String(text)))
      .filter((message) => message.type === "count")
      .map((message) => message.viewers as number);
  return { socket, messages, closed, counts };
}

/**
 * Runs the shard's alarm now, as it would ring: a flush to Redis, or, within the gap after the
 * last flush between slots (SOCKET_FLUSH_GAP_SEC, 1 s here), only a push of its local count.
 */
async function ring(stageId: string, k = 0) {
  const stub = shards.get(shards.idFromName(`${stageId}/0/${k}`));
  return runDurableObjectAlarm(stub);
}

/** Rings the alarm once the gap has passed: what changed is written to Redis. */
async function flush(stageId: string, k = 0) {
  await sleep(1_100);
  return ring(stageId, k);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(read: () => T | Promise<T>, accept: (value: T) => boolean) {
  for (let i = 0; i < 100; i++) {
    const value = await read();
    if (accept(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return read();
}

async function viewersOf(stageId: string) {
  const response = await exports.default.fetch(`http://worker.test/v1/stages/${stageId}/viewers`);
  return ((await response.json()) as { viewers: number }).viewers;
}

describe("presence sockets in workerd", () => {
  it("refuses bad upgrades with problem+json before any shard, writing nothing", async () => {
    const stageId = await createStage();
    const ended = await createStage();
    await exports.default.fetch(`http://worker.test/v1/stages/${ended}`, {
      method: "PATCH",
      headers: admin,
      body: JSON.stringify({ status: "ended" }),
    });
    const token = await tokenFor(stageId, "v1");
    const attempts = [
      { path: `${stageId}/presence?token=${token}`, upgrade: false, status: 426 },
      { path: `${stageId}/presence`, upgrade: true, status: 401 },
      { path: `${stageId}/presence?token=abc.def.ghi`, upgrade: true, status: 401 },
      {
        path: `${ended}/presence?token=${await tokenFor(ended, "v1")}`,
        upgrade: true,
        status: 410,
      },
      {
        path: `${stageId}/presence?token=${await tokenFor(ended, "v1")}`,
        upgrade: true,
        status: 403,
      },
      { path: `nope/presence?token=${await tokenFor("nope", "v1")}`, upgrade: true, status: 404 },
      { path: `${stageId}/presence?token=${token}&state=dancing`, upgrade: true, status: 400 },
    ];
    for (const attempt of attempts) {
      const response = await exports.default.fetch(`http://worker.test/v1/stages/${attempt.path}`, {
        headers: attempt.upgrade ? { upgrade: "websocket" } : {},
      });
      expect(response.status, attempt.path).toBe(attempt.status);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
    }
    const keys = redisKeys(bound.REDIS_KEY_PREFIX);
    const epoch = epochAt(Date.now());
    expect(
      await stackRedis().exists(keys.viewerIndex(stageId, epoch), keys.viewerIndex(ended, epoch)),
    ).toBe(0);
  });

  it("counts a socket's viewer once, with a second tab and an HTTP heartbeat, and drops it on leave", async () => {
    const stageId = await createStage();
    const alice = await tokenFor(stageId, "alice");
    const first = await openSocket(stageId, `token=${alice}`);
    // Provisional, at once: the last count (none) + this viewer.
    expect(
      await until(
        () => first.counts()[0],
        (n) => n !== undefined,
      ),
    ).toBe(1);
    expect(await ring(stageId)).toBe(true); // the shard's first write: at once
    expect(
      await until(
        () => viewersOf(stageId),
        (n) => n === 1,
      ),
    ).toBe(1);
    const tab = await openSocket(stageId, `token=${alice}&state=paused`);
    const heartbeat = await exports.default.fetch(
      `http://worker.test/v1/stages/${stageId}/heartbeats`,
      {
        method: "POST",
        headers: { authorization: `Bearer ${alice}` },
      },
    );
    expect(((await heartbeat.json()) as { viewers: number }).viewers).toBe(1);
    await flush(stageId);
    const bob = await openSocket(stageId, `token=${await tokenFor(stageId, "bob")}`);
    await flush(stageId);
    await until(
      () => first.counts().at(-1),
      (n) => n === 2,
    );
    expect(first.counts().at(-1)).toBe(2);
    expect(bob.counts().at(-1)).toBe(2);
    // One index each: the socket's viewer kept the index its HTTP heartbeat would use.
    const keys = redisKeys(bound.REDIS_KEY_PREFIX);
    expect(await stackRedis().llen(keys.viewerList(stageId, epochAt(Date.now())))).toBe(2);

    bob.socket.send(JSON.stringify({ type: "leave" }));
    await until(
      () => bob.closed.code,
      (code) => code !== undefined,
    );
    expect(bob.closed.code).toBe(1000);
    // Within the gap: the shard pushes its own leave without Redis.
    await ring(stageId);
    await until(
      () => first.counts().at(-1),
      (n) => n === 1,
    );
    expect(first.counts().at(-1)).toBe(1);
    // One of alice's tabs closes: she is still counted, by the other.
    tab.socket.close(1000, "tab closed");
    await new Promise((resolve) => setTimeout(resolve, 100));
    await flush(stageId);
    expect(await viewersOf(stageId)).toBe(1);
  });

  it("pushes its own joins and leaves at once, and writes them to Redis no more often than the gap", async () => {
    const stageId = await createStage();
    const keys = redisKeys(bound.REDIS_KEY_PREFIX);
    const indexed = () => stackRedis().llen(keys.viewerList(stageId, epochAt(Date.now())));
    const first = await openSocket(stageId, `token=${await tokenFor(stageId, "f1")}`);
    await ring(stageId); // the slot's write: every viewer
    const second = await openSocket(stageId, `token=${await tokenFor(stageId, "f2")}`);
    await ring(stageId); // the first change after a quiet gap: written at once
    expect(await indexed()).toBe(2);
    const third = await openSocket(stageId, `token=${await tokenFor(stageId, "f3")}`);
    await ring(stageId); // within the gap: pushed to the pages, not written
    await until(
      () => first.counts().at(-1),
      (n) => n === 3,
    );
    expect(first.counts().at(-1)).toBe(3);
    expect(second.counts().at(-1)).toBe(3);
    expect(await indexed()).toBe(2);
    second.socket.close(1000, "bye");
    await until(
      () => second.closed.code,
      (code) => code !== undefined,
    );
    await ring(stageId);
    await until(
      () => first.counts().at(-1),
      (n) => n === 2,
    );
    expect(first.counts().at(-1)).toBe(2);
    await flush(stageId); // the gap has passed: the join and the leave are written
    expect(await indexed()).toBe(3);
    expect(await viewersOf(stageId)).toBe(2);
    expect(third.counts().at(-1)).toBe(2);
    for (const page of [first, third]) page.socket.close(1000, "bye");
  });

  it("does not count a watching socket, and pushes the count to it", async () => {
    const stageId = await createStage();
    const watcher = await openSocket(stageId, "watch=true");
    expect(
      await until(
        () => watcher.counts()[0],
        (n) => n !== undefined,
      ),
    ).toBe(0);
    const viewer = await openSocket(stageId, `token=${await tokenFor(stageId, "carol")}`);
    await flush(stageId);
    // The watcher may sit in any shard of the stage (one here): it gets the stage's count.
    await until(
      () => watcher.counts().at(-1),
      (n) => n === 1,
    );
    expect(watcher.counts().at(-1)).toBe(1);
    expect(await viewersOf(stageId)).toBe(1);
    viewer.socket.close(1000, "bye");
  });

  it("answers the ping with the auto-response, and closes 4400 on a message it cannot read", async () => {
    const stageId = await createStage();
    const page = await openSocket(stageId, `token=${await tokenFor(stageId, "dave")}`);
    page.socket.send(SOCKET_PING);
    await until(() => page.messages.includes(SOCKET_PONG), Boolean);
    expect(page.messages).toContain(SOCKET_PONG);
    page.socket.send("{not json");
    await until(
      () => page.closed.code,
      (code) => code !== undefined,
    );
    expect(page.closed.code).toBe(4400);
    const problem = page.messages
      .map((m) => JSON.parse(String(m)))
      .find((m) => m.type === "problem");
    expect(problem.problem.status).toBe(400);
  });

  it("keeps its viewers and owed leaves through hibernation, and closes every socket 4410 when the stage ends", async () => {
    const stageId = await createStage();
    const page = await openSocket(stageId, `token=${await tokenFor(stageId, "erin")}&state=paused`);
    const frank = await openSocket(stageId, `token=${await tokenFor(stageId, "frank")}`);
    await flush(stageId);
    expect(await viewersOf(stageId)).toBe(2);
    frank.socket.close(1000, "bye");
    await until(
      () => frank.closed.code,
      (code) => code !== undefined,
    );
    await ring(stageId); // within the gap: the leave is pushed and saved, not written
    const stub = shards.get(shards.idFromName(`${stageId}/0/0`));
    await evictDurableObject(stub, { webSockets: "hibernate" });
    await flush(stageId); // woken: the saved leave is written
    await sleep(2_100); // the worker's count read is cached 2 s
    expect(await viewersOf(stageId)).toBe(1);
    await exports.default.fetch(`http://worker.test/v1/stages/${stageId}`, {
      method: "PATCH",
      headers: admin,
      body: JSON.stringify({ status: "ended" }),
    });
    // The shard learns of the end with its next write: the slot's, or a change's (a play here).
    page.socket.send(JSON.stringify({ type: "state", state: "playing" }));
    await sleep(100);
    await flush(stageId);
    await until(
      () => page.closed.code,
      (code) => code !== undefined,
    );
    expect(page.closed.code).toBe(4410);
  });
});

describe("watching sockets, limited per client address and stage", () => {
  const upgrade = (stageId: string, address: string, query = "watch=true") =>
    exports.default.fetch(`http://worker.test/v1/stages/${stageId}/presence?${query}`, {
      headers: { upgrade: "websocket", "cf-connecting-ip": address },
    });

  /**
   * Opens watchers from `address` until one is refused. The limiter's window is one heartbeat
   * interval (30 s) and may start anew once during the burst, never twice: so within twice the
   * limit and one more, an upgrade is refused.
   */
  async function watchUntilRefused(stageId: string, address: string) {
    const opened: { close(code?: number, reason?: string): void }[] = [];
    for (let i = 0; i <= 2 * WATCH_UPGRADES_PER_INTERVAL; i++) {
      const response = await upgrade(stageId, address);
      if (response.status !== 101) return { opened, refused: response };
      response.webSocket!.accept();
      opened.push(response.webSocket!);
    }
    return { opened, refused: undefined };
  }

  it("answers 429 problem+json with Retry-After past the limit, and still opens other watchers", async () => {
    const stageId = await createStage();
    const address = `198.51.100.${Math.floor(Math.random() * 250)}`;
    const { opened, refused } = await watchUntilRefused(stageId, address);
    expect(opened.length).toBeGreaterThanOrEqual(WATCH_UPGRADES_PER_INTERVAL);
    expect(refused?.status).toBe(429);
    const tooMany = refused!;
    expect(tooMany.headers.get("content-type")).toBe("application/problem+json");
    expect(Number(tooMany.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(((await tooMany.json()) as { status: number }).status).toBe(429);

    // Another address on this stage, this address on another stage, and a viewer's socket from
    // this address (its own limit, per viewer) still open; the new watcher gets the count.
    const elsewhere = await openSocket(stageId, "watch=true");
    expect(
      await until(
        () => elsewhere.counts()[0],
        (n) => n !== undefined,
      ),
    ).toBe(0);
    const otherStage = await createStage();
    expect((await upgrade(otherStage, address)).status).toBe(101);
    const viewer = await upgrade(stageId, address, `token=${await tokenFor(stageId, "frank")}`);
    expect(viewer.status).toBe(101);
    viewer.webSocket!.accept();
    expect(
      await until(
        () => elsewhere.counts().at(-1),
        (n) => n === 1,
      ),
    ).toBe(1);
    // None of the watchers was counted.
    expect(await viewersOf(stageId)).toBe(1);
    for (const socket of [...opened, viewer.webSocket!, elsewhere.socket]) socket.close(1000);
  });

  it("limits before the stage is looked up, so before any object is touched", async () => {
    // An unknown stage answers 404 from the registry; past the limit it answers 429 instead.
    const address = `203.0.113.${Math.floor(Math.random() * 250)}`;
    const unknown = `nope${crypto.randomUUID().slice(0, 8)}`;
    const statuses = new Set<number>();
    for (let i = 0; i <= 2 * WATCH_UPGRADES_PER_INTERVAL && !statuses.has(429); i++) {
      const response = await upgrade(unknown, address);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      statuses.add(response.status);
    }
    expect([...statuses].sort()).toEqual([404, 429]);
  });
});
