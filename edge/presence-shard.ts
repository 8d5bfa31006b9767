/**
 * The presence shard: a Durable Object holding up to ~10,000 presence sockets of one stage's
 * part in one Redis database (edge/presence/socket-shards.ts names it), with the hibernation
 * API, as partyserver uses it: each socket's state in its attachment, pings answered by an
 * auto-response that never wakes the object, alarms (never timers), and the object asleep in
 * between. Presence is the open socket. Every slot (the heartbeat interval), and about 1 s after
 * a join, leave or change to playing, an alarm flushes the shard's viewers to Redis in the
 * layout heartbeats write (edge/presence/flush-shard.ts), in one request, then pushes the
 * stage's count to every socket when it changed. Viewers who left are kept in the object's
 * storage until a flush clears their bits, so they survive hibernation and eviction.
 */
import { type Config, parseConfig, viewerTokenSecrets } from "@viewer-presence/shared/config";
import {
  acceptedViewerKinds,
  heartbeatAcceptance,
} from "@viewer-presence/shared/heartbeat-acceptance";
import { cadenceFor, countedWidthsSec } from "@viewer-presence/shared/heartbeat-cadence";
import { epochAt } from "@viewer-presence/shared/slot-bitmaps";
import { ViewerTokenError } from "@viewer-presence/tokens";
import {
  SOCKET_CLOSE,
  SOCKET_PING,
  SOCKET_PONG,
  type SocketClientMessage,
} from "../openapi/schemas/presence-socket";
import type { Bindings } from "./env";
import type { StageViewers } from "./isolate/count-memory";
import type { WindowSlot } from "./presence/flush-script";
import {
  currentSlot,
  type FlushOutcome,
  type FlushPlan,
  flushShard,
  lateWritable,
  nextSlotStartMs,
  slotId,
} from "./presence/flush-shard";
import { createShardStores, type ShardStores } from "./presence/shard-stores";
import {
  closeQuietly,
  closeWithProblem,
  countMessage,
  readClientMessage,
  refusalProblem,
  SOCKET_PROBLEMS,
} from "./presence/socket-messages";
import { readAdmission, SHARD_COUNT_HEADER } from "./presence/socket-shards";
import { type SocketAttachment, shardViewers } from "./presence/socket-viewers";
import { StoreUnavailableError } from "./problems";
import type { DurableObjectState, HibernatingWebSocket } from "./worker-types";

/** A flush this long after a join, leave or change to playing: a burst of joins shares one. */
export const EARLY_FLUSH_MS = 1_000;
/** A failed flush is tried again this soon (the Redis guard's cool-down), or at the next slot. */
export const RETRY_FLUSH_MS = 5_000;
/** The tag of sockets that only watch the count (viewers' sockets are tagged with their id). */
const WATCHER_TAG = "~watch";
const OPEN = 1;

/** What the shard keeps in storage (key `meta`); departed viewers are under key `leaving`. */
interface ShardMeta {
  stageId: string;
  database: number;
  accepts: string;
  /** The data generation the sockets' indexes belong to (the last flush's). */
  generation?: string;
  /** The count last pushed. */
  count?: StageViewers;
  /** The last slot every viewer was written into. */
  writtenSlot?: string;
  /** A slot whose write failed, written late while its window is open. */
  late?: WindowSlot;
}

type RuntimeGlobals = {
  WebSocketPair: new () => { 0: HibernatingWebSocket; 1: HibernatingWebSocket };
  WebSocketRequestResponsePair: new (request: string, response: string) => unknown;
};

export class PresenceShard {
  readonly #ctx: DurableObjectState;
  readonly #env: Bindings;
  #runtime: { config: Config; stores: ShardStores } | undefined;
  /** Sockets opened since the last push: they got a provisional count, so the next goes to all. */
  #freshSockets = false;

  constructor(ctx: DurableObjectState, env: Bindings) {
    this.#ctx = ctx;
    this.#env = env;
    const { WebSocketRequestResponsePair } = globalThis as unknown as RuntimeGlobals;
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(SOCKET_PING, SOCKET_PONG));
  }

  /** The configuration and stores, made on first use (a bad configuration throws there). */
  get #shard() {
    if (this.#runtime === undefined) {
      const config = parseConfig(this.#env);
      const stores = createShardStores(config, (message, error) => console.error(message, error));
      this.#runtime = { config, stores };
    }
    return this.#runtime;
  }

  get #cadence() {
    const { config } = this.#shard;
    const cadence = cadenceFor(config);
    return {
      ...cadence,
      widthsSec: countedWidthsSec(config, cadence),
      pingEveryMs: cadence.intervalSec * 1000,
    };
  }

  /** The upgrade the worker admitted (edge/handlers/presence-socket.handlers.ts). */
  async fetch(request: Request): Promise<Response> {
    const admission = readAdmission(request);
    if (admission === undefined || request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("presence shards take only the worker's admitted upgrades", {
        status: 400,
      });
    }
    const nowMs = Date.now();
    const storage = this.#ctx.storage;
    const known = await storage.get<ShardMeta>("meta");
    const meta: ShardMeta = {
      ...known,
      stageId: admission.stageId,
      database: admission.database,
      accepts: admission.accepts,
    };
    if (known?.accepts !== meta.accepts || known?.stageId !== meta.stageId)
      await storage.put("meta", meta);
    const { WebSocketPair } = globalThis as unknown as RuntimeGlobals;
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    const viewer = admission.viewer;
    const attachment: SocketAttachment = {
      viewerId: viewer?.viewerId ?? null,
      anonymous: viewer?.anonymous ?? false,
      audienceTag: viewer?.audienceTag ?? "",
      state: admission.state,
      tokenExpiresAtMs: viewer?.tokenExpiresAtMs ?? 0,
      joinedAtMs: nowMs,
      lastMessageAtMs: nowMs,
    };
    this.#ctx.acceptWebSocket(server, [viewer?.viewerId ?? WATCHER_TAG]);
    server.serializeAttachment(attachment);
    let provisional = meta.count?.viewers ?? 0;
    if (viewer !== undefined) {
      const tabs = this.#ctx.getWebSockets(viewer.viewerId).filter((s) => s.readyState === OPEN);
      const leaving = new Set(await storage.get<string[]>("leaving"));
      if (leaving.delete(viewer.viewerId)) await storage.put("leaving", [...leaving]);
      if (tabs.length <= 1) provisional += 1;
    }
    await this.#flushWithin(
      nowMs,
      viewer === undefined && known?.count !== undefined ? undefined : EARLY_FLUSH_MS,
    );
    this.#freshSockets = true;
    const count = {
      viewers: provisional,
      estimated: meta.count?.estimated ?? false,
      asOfMs: nowMs,
    };
    server.send(JSON.stringify(countMessage(meta.stageId, count, this.#cadence.pingEveryMs)));
    return new Response(null, {
      status: 101,
      webSocket: client,
      headers: { [SHARD_COUNT_HEADER]: String(provisional) },
    } as ResponseInit);
  }

  async webSocketMessage(
    socket: HibernatingWebSocket,
    message: string | ArrayBuffer,
  ): Promise<void> {
    if (message === SOCKET_PING) return socket.send(SOCKET_PONG);
    const read = readClientMessage(message);
    if (!read.ok) {
      closeWithProblem(socket, SOCKET_PROBLEMS.badMessage(read.reason));
      return this.#depart(socket);
    }
    const attachment = socket.deserializeAttachment() as SocketAttachment;
    attachment.lastMessageAtMs = Date.now();
    await this.#apply(socket, attachment, read.message);
  }

  async #apply(
    socket: HibernatingWebSocket,
    attachment: SocketAttachment,
    message: SocketClientMessage,
  ) {
    if (message.type === "leave") {
      closeQuietly(socket, SOCKET_CLOSE.left, "left");
      return this.#depart(socket);
    }
    if (message.type === "state") {
      const nowPlaying = message.state === "playing" && attachment.state !== "playing";
      attachment.state = message.state;
      socket.serializeAttachment(attachment);
      // Only a change to playing changes what this slot records (its watched bit).
      if (nowPlaying && attachment.viewerId !== null)
        await this.#flushWithin(Date.now(), EARLY_FLUSH_MS);
      return;
    }
    const renewed = await this.#renewToken(attachment, message.token);
    if (renewed !== undefined) {
      closeWithProblem(socket, renewed);
      return this.#depart(socket);
    }
    socket.serializeAttachment(attachment);
  }

  /** Checks a `token` message's token and extends the socket's expiry; a problem if it fails. */
  async #renewToken(attachment: SocketAttachment, token: string) {
    const meta = await this.#ctx.storage.get<ShardMeta>("meta");
    if (attachment.viewerId === null || meta === undefined) {
      return SOCKET_PROBLEMS.badMessage("a watching socket takes no token");
    }
    const { config, stores } = this.#shard;
    try {
      const verify = stores.verifierFor(viewerTokenSecrets(config));
      const claims = await verify(token, { stageId: meta.stageId, nowMs: Date.now() });
      if (claims.viewerId !== attachment.viewerId) {
        return SOCKET_PROBLEMS.tokenRefused("The token names another viewer than this socket's.");
      }
      attachment.tokenExpiresAtMs = claims.expiresAt * 1000;
      return undefined;
    } catch (error) {
      if (!(error instanceof ViewerTokenError)) throw error;
      return SOCKET_PROBLEMS.tokenRefused(`The viewer token is not accepted: ${error.message}.`);
    }
  }

  async webSocketClose(socket: HibernatingWebSocket, code: number): Promise<void> {
    closeQuietly(socket, code === 1005 || code === 1006 ? 1000 : code, "closed");
    await this.#depart(socket);
  }

  async webSocketError(socket: HibernatingWebSocket): Promise<void> {
    await this.#depart(socket);
  }

  /**
   * A socket is gone: its viewer leaves, unless another of its tabs is still open here. The
   * leave waits in storage (surviving hibernation) for the early flush that clears its bits.
   */
  async #depart(socket: HibernatingWebSocket): Promise<void> {
    const { viewerId } = socket.deserializeAttachment() as SocketAttachment;
    if (viewerId === null) return;
    const tabs = this.#ctx
      .getWebSockets(viewerId)
      .filter((s) => s !== socket && s.readyState === OPEN);
    if (tabs.length > 0) return;
    const leaving = new Set(await this.#ctx.storage.get<string[]>("leaving"));
    if (leaving.has(viewerId)) return;
    leaving.add(viewerId);
    await this.#ctx.storage.put("leaving", [...leaving]);
    await this.#flushWithin(Date.now(), EARLY_FLUSH_MS);
  }

  /** Makes the alarm ring within `delayMs` (or at once when none is set and no delay given). */
  async #flushWithin(nowMs: number, delayMs: number | undefined): Promise<void> {
    const storage = this.#ctx.storage;
    const at = await storage.getAlarm();
    const wanted = nowMs + (delayMs ?? 0);
    if (at === null || (delayMs !== undefined && at > wanted)) await storage.setAlarm(wanted);
  }

  /** The flush: every slot, and early after joins and leaves. */
  async alarm(): Promise<void> {
    const nowMs = Date.now();
    const storage = this.#ctx.storage;
    const meta = await storage.get<ShardMeta>("meta");
    if (meta === undefined) return;
    const cadence = this.#cadence;
    await this.#closeSilentAndExpired(nowMs, cadence.pingEveryMs);
    const sockets = this.#openSockets();
    const leaving = (await storage.get<string[]>("leaving")) ?? [];
    // Nobody here and nobody to clear: the object sleeps until the next upgrade.
    if (sockets.length === 0 && leaving.length === 0) return;
    const current = currentSlot(nowMs, cadence.intervalSec);
    let flushed: { outcome: FlushOutcome; plan: FlushPlan };
    try {
      flushed = await this.#flush(meta, nowMs);
    } catch (error) {
      // Nothing is lost: the sockets stay, the leaves stay in storage; a slot not written yet
      // is written late (into its own bitmap) while its window is open.
      if (meta.writtenSlot !== slotId(current)) {
        meta.late = meta.late !== undefined && lateWritable(meta.late, nowMs) ? meta.late : current;
      }
      await storage.put("meta", meta);
      // Redis faults are counted and logged once per interval by the database's guard.
      if (!(error instanceof StoreUnavailableError))
        console.error("presence shard flush failed", error);
      await storage.setAlarm(Math.min(nowMs + RETRY_FLUSH_MS, this.#nextRegular(nowMs)));
      return;
    }
    await this.#afterFlush(meta, flushed, nowMs);
  }

  /** Sockets still open, with their attachments. */
  #openSockets(): { socket: HibernatingWebSocket; attachment: SocketAttachment }[] {
    return this.#ctx
      .getWebSockets()
      .filter((socket) => socket.readyState === OPEN)
      .map((socket) => ({
        socket,
        attachment: socket.deserializeAttachment() as SocketAttachment,
      }));
  }

  /** Closes sockets silent for two ping periods (1000), and those whose token expired (4401). */
  async #closeSilentAndExpired(nowMs: number, pingEveryMs: number): Promise<void> {
    for (const { socket, attachment } of this.#openSockets()) {
      const pinged = this.#ctx.getWebSocketAutoResponseTimestamp(socket)?.getTime() ?? 0;
      const seenMs = Math.max(pinged, attachment.lastMessageAtMs, attachment.joinedAtMs);
      if (nowMs - seenMs > 2 * pingEveryMs) {
        closeQuietly(socket, SOCKET_CLOSE.left, "silent");
        await this.#depart(socket);
      } else if (attachment.viewerId !== null && attachment.tokenExpiresAtMs <= nowMs) {
        closeWithProblem(socket, SOCKET_PROBLEMS.tokenExpired());
        await this.#depart(socket);
      }
    }
  }

  /**
   * One flush, tried again at once when the shard's view was out of date: its indexes named an
   * older generation (all sent as new), or the stage changed (sockets it no longer takes are
   * closed with their problem, and become leaves).
   */
  async #flush(
    meta: ShardMeta,
    nowMs: number,
  ): Promise<{ outcome: FlushOutcome; plan: FlushPlan }> {
    const cadence = this.#cadence;
    const deps = this.#shard.stores.flushDeps(meta.database, nowMs, cadence.presenceTtlSec);
    let generation = meta.generation;
    for (let attempt = 0; ; attempt++) {
      const plan = await this.#plan(meta, nowMs, generation);
      const outcome = await flushShard(deps, plan);
      if (attempt >= 2) return { outcome, plan };
      if (outcome.kind === "stale") {
        generation = undefined;
      } else if (outcome.kind === "changed") {
        meta.accepts = acceptedViewerKinds(outcome.stage);
        await this.#refuse(meta, outcome);
      } else {
        return { outcome, plan };
      }
    }
  }

  async #plan(meta: ShardMeta, nowMs: number, generation: string | undefined): Promise<FlushPlan> {
    const cadence = this.#cadence;
    const viewers = shardViewers(
      this.#openSockets().map(({ attachment }) => attachment),
      epochAt(nowMs),
      generation,
    );
    const leaving = ((await this.#ctx.storage.get<string[]>("leaving")) ?? []).filter(
      (id) => !viewers.has(id),
    );
    return {
      stageId: meta.stageId,
      nowMs,
      accepts: meta.accepts,
      generation,
      viewers,
      leaving,
      late: meta.late,
      intervalSec: cadence.intervalSec,
      presenceTtlSec: cadence.presenceTtlSec,
      widthsSec: cadence.widthsSec,
    };
  }

  /** Closes the sockets a changed stage no longer takes (all of them once it has ended). */
  async #refuse(meta: ShardMeta, outcome: Extract<FlushOutcome, { kind: "changed" }>) {
    for (const { socket, attachment } of this.#openSockets()) {
      const reason = heartbeatAcceptance(outcome.stage, attachment.anonymous);
      if (reason === "accepted") continue;
      if (attachment.viewerId === null && reason !== "ended") continue;
      closeWithProblem(socket, refusalProblem(meta.stageId, reason));
      await this.#depart(socket);
    }
  }

  /** What a flush's outcome leaves: indexes kept, leaves cleared, counts pushed, the next alarm. */
  async #afterFlush(
    meta: ShardMeta,
    { outcome, plan }: { outcome: FlushOutcome; plan: FlushPlan },
    nowMs: number,
  ): Promise<void> {
    const storage = this.#ctx.storage;
    if (outcome.kind === "no-stage") {
      for (const { socket } of this.#openSockets())
        closeWithProblem(socket, SOCKET_PROBLEMS.noStage(meta.stageId));
      await storage.deleteAll();
      return;
    }
    if (outcome.kind !== "written") {
      // The registry was lost and is rebuilt, or the view is still out of date: again soon.
      await storage.setAlarm(nowMs + EARLY_FLUSH_MS);
      return;
    }
    const epoch = epochAt(nowMs);
    for (const { socket, attachment } of this.#openSockets()) {
      const index =
        attachment.viewerId === null ? undefined : outcome.fresh.get(attachment.viewerId);
      if (index === undefined) continue;
      attachment.index = { epoch, generation: outcome.generation, index };
      socket.serializeAttachment(attachment);
    }
    const sent = new Set(plan.leaving);
    const leaving = ((await storage.get<string[]>("leaving")) ?? []).filter((id) => !sent.has(id));
    await storage.put("leaving", leaving);
    meta.generation = outcome.generation;
    if (outcome.slots.length > 0) meta.writtenSlot = slotId(outcome.slots[0]!);
    meta.late = undefined;
    this.#push(meta, outcome.count);
    meta.count = outcome.count;
    if (heartbeatAcceptance(outcome.stage, false) === "ended") {
      for (const { socket } of this.#openSockets())
        closeWithProblem(socket, refusalProblem(meta.stageId, "ended"));
      await storage.deleteAll();
      return;
    }
    await storage.put("meta", meta);
    if (this.#openSockets().length > 0 || leaving.length > 0) {
      await storage.setAlarm(this.#nextRegular(nowMs));
    }
  }

  /** Pushes the count to every socket when it changed, or when sockets got a provisional one. */
  #push(meta: ShardMeta, count: StageViewers): void {
    const changed =
      meta.count?.viewers !== count.viewers || meta.count?.estimated !== count.estimated;
    if (!changed && !this.#freshSockets) return;
    this.#freshSockets = false;
    const text = JSON.stringify(countMessage(meta.stageId, count, this.#cadence.pingEveryMs));
    for (const { socket } of this.#openSockets()) {
      try {
        socket.send(text);
      } catch {
        // Closing meanwhile.
      }
    }
  }

  /** The next regular flush: just after the next slot starts, shards spread over 1.5 s. */
  #nextRegular(nowMs: number): number {
    const spreadMs = 300 + Math.floor(Math.random() * 1_500);
    return nextSlotStartMs(nowMs, this.#cadence.intervalSec) + spreadMs;
  }
}
