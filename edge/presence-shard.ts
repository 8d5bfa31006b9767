/**
 * The presence shard: a Durable Object holding up to ~10,000 presence sockets of one stage's
 * part in one Redis database (edge/presence/socket-shards.ts names it), with the hibernation
 * API, as partyserver uses it: each socket's state in its attachment, pings answered by an
 * auto-response that never wakes the object, alarms (never timers), and the object asleep in
 * between. Presence is the open socket.
 *
 * Its own joins and leaves reach its pages within about a second, counted locally (the last
 * exact count, its own viewers then replaced by its viewers now); Redis learns them once a slot
 * (every viewer, the layout heartbeats write: edge/presence/flush-shard.ts) and between slots at
 * most once per SOCKET_FLUSH_GAP_SEC (only what changed). Each flush reads the stage's exact count
 * and pushes it when it changed. edge/presence/shard-schedule.ts decides which an alarm does.
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
import { ShardChanges } from "./presence/shard-changes";
import { localCount, PUSH_WITHIN_MS, planAlarm } from "./presence/shard-schedule";
import { OPEN, type OpenSocket, ShardSockets } from "./presence/shard-sockets";
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
import { type ShardViewer, type SocketAttachment, shardViewers } from "./presence/socket-viewers";
import { StoreUnavailableError } from "./problems";
import type { DurableObjectState, HibernatingWebSocket } from "./worker-types";

/** A failed flush is tried again this soon (the Redis guard's cool-down), or at the next slot. */
export const RETRY_FLUSH_MS = 5_000;
/**
 * An alarm this near keeps what the shard owes Redis in memory only: an object is hibernated
 * (its memory dropped) after about 10 s without events, never sooner.
 */
const KEEP_IN_MEMORY_MS = 5_000;
/** The tag of sockets that only watch the count (viewers' sockets are tagged with their id). */
const WATCHER_TAG = "~watch";

/** What the shard keeps in storage (key `meta`); what it still owes Redis is in ShardChanges. */
interface ShardMeta {
  stageId: string;
  database: number;
  accepts: string;
  /** The data generation the sockets' indexes belong to (the last flush's). */
  generation?: string;
  /** The stage's count as Redis last answered it. */
  count?: StageViewers;
  /** The shard's own viewers written when `count` was read (they are in it). */
  countedViewers?: number;
  /** The last slot every viewer was written into. */
  writtenSlot?: string;
  /** A slot whose write failed, written late while its window is open. */
  late?: WindowSlot;
  /** When the last flush between slots went (SOCKET_FLUSH_GAP_SEC apart at least). */
  lastEarlyFlushMs?: number;
}

type RuntimeGlobals = {
  WebSocketPair: new () => { 0: HibernatingWebSocket; 1: HibernatingWebSocket };
  WebSocketRequestResponsePair: new (request: string, response: string) => unknown;
};

export class PresenceShard {
  readonly #ctx: DurableObjectState;
  readonly #env: Bindings;
  #runtime: { config: Config; stores: ShardStores } | undefined;
  /** What the shard owes Redis, loaded from storage before the first event after a wake. */
  #changes!: ShardChanges;
  /** The sockets the running alarm read (none between alarms): what it writes meanwhile too. */
  #alarmSockets: ShardSockets | undefined;
  /** The count last pushed to the pages (forgotten on hibernation: then the last exact one). */
  #pushed: StageViewers | undefined;
  /** Sockets opened since the last push: they got a provisional count, so the next goes to all. */
  #freshSockets = false;

  constructor(ctx: DurableObjectState, env: Bindings) {
    this.#ctx = ctx;
    this.#env = env;
    const { WebSocketRequestResponsePair } = globalThis as unknown as RuntimeGlobals;
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(SOCKET_PING, SOCKET_PONG));
    // The input gate delivers no event before this ends: every handler finds the changes loaded.
    void ctx.blockConcurrencyWhile(async () => {
      this.#changes = await ShardChanges.load(ctx.storage);
    });
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
      gapMs: config.socketFlushGapSec * 1000,
    };
  }

  /** Writes a socket's attachment; a running alarm's read of the sockets learns of it too. */
  #attach(socket: HibernatingWebSocket, attachment: SocketAttachment): void {
    socket.serializeAttachment(attachment);
    this.#alarmSockets?.written(socket, attachment);
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
    this.#attach(server, attachment);
    const last = this.#pushed ?? meta.count;
    let provisional = last?.viewers ?? 0;
    if (viewer !== undefined) {
      const tabs = this.#ctx.getWebSockets(viewer.viewerId).filter((s) => s.readyState === OPEN);
      this.#changes.rejoin(viewer.viewerId);
      if (tabs.length <= 1) provisional += 1;
    }
    // A viewer changes the count: every page hears of it within a second. A watcher only needs
    // the shard awake (its first flush), when nothing is due yet.
    await this.#ringWithin(
      nowMs,
      viewer === undefined && known?.count !== undefined ? undefined : PUSH_WITHIN_MS,
    );
    this.#freshSockets = true;
    const count = { viewers: provisional, estimated: last?.estimated ?? false, asOfMs: nowMs };
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
      return this.#depart(socket, this.#viewerOf(socket));
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
      return this.#depart(socket, attachment.viewerId);
    }
    if (message.type === "state") {
      const nowPlaying = message.state === "playing" && attachment.state !== "playing";
      attachment.state = message.state;
      this.#attach(socket, attachment);
      // Only a change to playing changes what this slot records (its watched bit).
      if (nowPlaying && attachment.viewerId !== null) {
        this.#changes.play(attachment.viewerId);
        await this.#ringWithin(Date.now(), PUSH_WITHIN_MS);
      }
      return;
    }
    const renewed = await this.#renewToken(attachment, message.token);
    if (renewed !== undefined) {
      closeWithProblem(socket, renewed);
      return this.#depart(socket, attachment.viewerId);
    }
    this.#attach(socket, attachment);
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
    await this.#depart(socket, this.#viewerOf(socket));
  }

  async webSocketError(socket: HibernatingWebSocket): Promise<void> {
    await this.#depart(socket, this.#viewerOf(socket));
  }

  #viewerOf(socket: HibernatingWebSocket): string | null {
    return (socket.deserializeAttachment() as SocketAttachment).viewerId;
  }

  /**
   * A socket is gone: its viewer leaves, unless another of its tabs is still open here. The
   * pages hear of it within a second; Redis with the next flush (ShardChanges). `viewerId`: the
   * socket's attachment's (null for a watcher).
   */
  async #depart(
    socket: HibernatingWebSocket,
    viewerId: string | null,
    inAlarm = false,
  ): Promise<void> {
    if (viewerId === null) return;
    const tabs = this.#ctx
      .getWebSockets(viewerId)
      .filter((s) => s !== socket && s.readyState === OPEN);
    if (tabs.length > 0) return;
    this.#changes.leave(viewerId);
    if (!inAlarm) await this.#ringWithin(Date.now(), PUSH_WITHIN_MS);
  }

  /**
   * Makes the alarm ring within `delayMs` (or at once when none is set and no delay given). A
   * burst of events shares one alarm: only the first sets it (a billed row write).
   */
  async #ringWithin(nowMs: number, delayMs: number | undefined): Promise<void> {
    const storage = this.#ctx.storage;
    const at = await storage.getAlarm();
    const wanted = nowMs + (delayMs ?? 0);
    if (at === null || (delayMs !== undefined && at > wanted)) await storage.setAlarm(wanted);
  }

  /** Every slot, and within a second of a join, leave or play: a flush or a local push. */
  async alarm(): Promise<void> {
    const nowMs = Date.now();
    const storage = this.#ctx.storage;
    const meta = await storage.get<ShardMeta>("meta");
    if (meta === undefined) return;
    // Every socket's attachment is read once, here (shard-sockets.ts); what the shard writes to
    // them while the alarm runs is recorded there too.
    const sockets = new ShardSockets(this.#ctx.getWebSockets());
    this.#alarmSockets = sockets;
    try {
      await this.#ring(meta, sockets, nowMs);
    } finally {
      this.#alarmSockets = undefined;
    }
  }

  /** The alarm's work, with the sockets it read. */
  async #ring(meta: ShardMeta, sockets: ShardSockets, nowMs: number): Promise<void> {
    const storage = this.#ctx.storage;
    const cadence = this.#cadence;
    const current = currentSlot(nowMs, cadence.intervalSec);
    const slotWritten = meta.writtenSlot === slotId(current);
    // Once a slot (a pass over every socket; a busy shard's alarm rings every second): silent
    // sockets are those without a ping for two periods, a slot is finer.
    if (!slotWritten) await this.#closeSilentAndExpired(sockets, nowMs, cadence.pingEveryMs);
    const changes = this.#changes;
    const open = sockets.open();
    const viewers = this.#viewers(open, meta.generation, nowMs);
    // Nobody here and nobody to clear: the object sleeps until the next upgrade.
    if (open.length === 0 && changes.leaving.size === 0) return changes.save();
    const plan = planAlarm({
      nowMs,
      slotWritten,
      changes:
        changes.leaving.size > 0 ||
        changes.playing.size > 0 ||
        [...viewers.values()].some((viewer) => viewer.index === undefined),
      lastEarlyFlushMs: meta.lastEarlyFlushMs,
      gapMs: cadence.gapMs,
      nextRegularMs: this.#nextRegular(nowMs),
    });
    if (plan.kind === "push") {
      const pushed = this.#push(sockets, meta, this.#localCount(meta, viewers.size));
      // While the count moves, ring again in a second: the next events find the alarm set and
      // write nothing (each setAlarm is a billed row). What is owed is saved only when the
      // object may hibernate (lose its memory) before the next alarm.
      const nextMs = pushed ? Math.min(plan.nextAlarmMs, nowMs + PUSH_WITHIN_MS) : plan.nextAlarmMs;
      if (nextMs - nowMs > KEEP_IN_MEMORY_MS) await changes.save();
      await storage.setAlarm(nextMs);
      return;
    }
    let flushed: Flushed;
    try {
      flushed = await this.#flush(meta, sockets, nowMs, plan.full);
    } catch (error) {
      // Nothing is lost: the sockets stay, the changes stay; a slot not written yet is written
      // late (into its own bitmap) while its window is open. The pages still hear this shard's
      // own joins and leaves.
      if (meta.writtenSlot !== slotId(current)) {
        meta.late = meta.late !== undefined && lateWritable(meta.late, nowMs) ? meta.late : current;
      }
      await storage.put("meta", meta);
      await changes.save();
      const viewersNow = this.#viewers(sockets.open(), meta.generation, nowMs);
      this.#push(sockets, meta, this.#localCount(meta, viewersNow.size));
      // Redis faults are counted and logged once per interval by the database's guard.
      if (!(error instanceof StoreUnavailableError))
        console.error("presence shard flush failed", error);
      await storage.setAlarm(Math.min(nowMs + RETRY_FLUSH_MS, this.#nextRegular(nowMs)));
      return;
    }
    await this.#afterFlush(meta, sockets, flushed, nowMs);
  }

  /** The distinct viewers of `open`, with the indexes that hold for `generation`. */
  #viewers(
    open: readonly OpenSocket[],
    generation: string | undefined,
    nowMs: number,
  ): Map<string, ShardViewer> {
    return shardViewers(
      open.map(({ attachment }) => attachment),
      epochAt(nowMs),
      generation,
    );
  }

  /** The stage's count as this shard knows it now (shard-schedule.ts `localCount`). */
  #localCount(meta: ShardMeta, viewersNow: number): StageViewers {
    const last = meta.count ?? { viewers: 0, estimated: false, asOfMs: Date.now() };
    return {
      viewers: localCount(last.viewers, meta.countedViewers ?? 0, viewersNow),
      estimated: last.estimated,
      asOfMs: Date.now(),
    };
  }

  /** Closes sockets silent for two ping periods (1000), and those whose token expired (4401). */
  async #closeSilentAndExpired(
    sockets: ShardSockets,
    nowMs: number,
    pingEveryMs: number,
  ): Promise<void> {
    for (const { socket, attachment } of sockets.open()) {
      const pinged = this.#ctx.getWebSocketAutoResponseTimestamp(socket)?.getTime() ?? 0;
      const seenMs = Math.max(pinged, attachment.lastMessageAtMs, attachment.joinedAtMs);
      if (nowMs - seenMs > 2 * pingEveryMs) {
        closeQuietly(socket, SOCKET_CLOSE.left, "silent");
        await this.#depart(socket, attachment.viewerId, true);
      } else if (attachment.viewerId !== null && attachment.tokenExpiresAtMs <= nowMs) {
        closeWithProblem(socket, SOCKET_PROBLEMS.tokenExpired());
        await this.#depart(socket, attachment.viewerId, true);
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
    sockets: ShardSockets,
    nowMs: number,
    full: boolean,
  ): Promise<Flushed> {
    const cadence = this.#cadence;
    const deps = this.#shard.stores.flushDeps(meta.database, nowMs, cadence.presenceTtlSec);
    let generation = meta.generation;
    for (let attempt = 0; ; attempt++) {
      const { plan, present } = this.#plan(meta, sockets.open(), nowMs, generation, full);
      const outcome = await flushShard(deps, plan);
      if (attempt >= 2) return { outcome, plan, present, full };
      if (outcome.kind === "stale") {
        generation = undefined;
      } else if (outcome.kind === "changed") {
        meta.accepts = acceptedViewerKinds(outcome.stage);
        await this.#refuse(meta, sockets, outcome);
      } else {
        return { outcome, plan, present, full };
      }
    }
  }

  /**
   * What a flush writes: every viewer (`full`, or when the indexes are void), else only what
   * changed since the slot's write: viewers without an index, viewers who started playing.
   */
  #plan(
    meta: ShardMeta,
    open: readonly OpenSocket[],
    nowMs: number,
    generation: string | undefined,
    full: boolean,
  ): { plan: FlushPlan; present: number } {
    const cadence = this.#cadence;
    const changes = this.#changes;
    const all = this.#viewers(open, generation, nowMs);
    const viewers =
      full || generation === undefined
        ? all
        : new Map(
            [...all].filter(
              ([id, viewer]) => viewer.index === undefined || changes.playing.has(id),
            ),
          );
    return {
      present: all.size,
      plan: {
        stageId: meta.stageId,
        nowMs,
        accepts: meta.accepts,
        generation,
        viewers,
        leaving: [...changes.leaving].filter((id) => !all.has(id)),
        late: meta.late,
        intervalSec: cadence.intervalSec,
        presenceTtlSec: cadence.presenceTtlSec,
        widthsSec: cadence.widthsSec,
      },
    };
  }

  /** Closes the sockets a changed stage no longer takes (all of them once it has ended). */
  async #refuse(
    meta: ShardMeta,
    sockets: ShardSockets,
    outcome: Extract<FlushOutcome, { kind: "changed" }>,
  ) {
    for (const { socket, attachment } of sockets.open()) {
      const reason = heartbeatAcceptance(outcome.stage, attachment.anonymous);
      if (reason === "accepted") continue;
      if (attachment.viewerId === null && reason !== "ended") continue;
      closeWithProblem(socket, refusalProblem(meta.stageId, reason));
      await this.#depart(socket, attachment.viewerId, true);
    }
  }

  /** What a flush's outcome leaves: indexes kept, changes cleared, counts pushed, the next alarm. */
  async #afterFlush(
    meta: ShardMeta,
    sockets: ShardSockets,
    flushed: Flushed,
    nowMs: number,
  ): Promise<void> {
    const { outcome, plan, present, full } = flushed;
    const storage = this.#ctx.storage;
    if (outcome.kind === "no-stage") {
      for (const { socket } of sockets.open())
        closeWithProblem(socket, SOCKET_PROBLEMS.noStage(meta.stageId));
      await storage.deleteAll();
      return;
    }
    if (outcome.kind !== "written") {
      if (outcome.kind === "lost") {
        // Redis lost what this shard wrote: the next flush writes every viewer again, into this
        // slot and, when this shard's last write was the slot before (the loss wiped it) and its
        // window is open, late into that one too. A shard that never wrote it (new, or a registry
        // never built) credits nobody for a slot its viewers may not have been in.
        const before = currentSlot(nowMs - plan.intervalSec * 1000, plan.intervalSec);
        if (meta.writtenSlot === slotId(before) && lateWritable(before, nowMs)) meta.late = before;
        meta.writtenSlot = undefined;
        await storage.put("meta", meta);
      }
      // The registry is rebuilt, or the view is still out of date: again soon.
      await storage.setAlarm(nowMs + PUSH_WITHIN_MS);
      return;
    }
    const epoch = epochAt(nowMs);
    for (const { socket, attachment } of sockets.open()) {
      const index =
        attachment.viewerId === null ? undefined : outcome.fresh.get(attachment.viewerId);
      if (index === undefined) continue;
      attachment.index = { epoch, generation: outcome.generation, index };
      this.#attach(socket, attachment);
    }
    const changes = this.#changes;
    // A play that came in while the flush was under way (its viewer sent as paused) stays owed.
    const sent = [...plan.viewers.values()].filter((viewer) => viewer.playing || full);
    changes.written(
      plan.leaving,
      sent.map((viewer) => viewer.viewerId),
    );
    await changes.save();
    meta.generation = outcome.generation;
    if (full) meta.writtenSlot = slotId(currentSlot(nowMs, plan.intervalSec));
    else meta.lastEarlyFlushMs = nowMs;
    meta.late = undefined;
    const shown = this.#pushed ?? meta.count;
    meta.count = outcome.count;
    meta.countedViewers = present;
    const viewersNow = this.#viewers(sockets.open(), meta.generation, nowMs);
    const count = this.#localCount(meta, viewersNow.size);
    this.#push(sockets, meta, { ...count, asOfMs: outcome.count.asOfMs }, shown);
    if (heartbeatAcceptance(outcome.stage, false) === "ended") {
      for (const { socket } of sockets.open())
        closeWithProblem(socket, refusalProblem(meta.stageId, "ended"));
      await storage.deleteAll();
      return;
    }
    await storage.put("meta", meta);
    if (sockets.open().length === 0 && changes.leaving.size === 0) return;
    // Viewers who came in or left while the flush was under way are pushed within a second.
    const owed =
      changes.leaving.size > 0 ||
      [...viewersNow.values()].some((viewer) => viewer.index === undefined);
    await storage.setAlarm(owed ? nowMs + PUSH_WITHIN_MS : this.#nextRegular(nowMs));
  }

  /** Pushes the count to every socket when it changed, or when sockets got a provisional one. */
  #push(
    sockets: ShardSockets,
    meta: ShardMeta,
    count: StageViewers,
    last = this.#pushed ?? meta.count,
  ): boolean {
    const changed = last?.viewers !== count.viewers || last?.estimated !== count.estimated;
    this.#pushed = count;
    if (!changed && !this.#freshSockets) return false;
    this.#freshSockets = false;
    const text = JSON.stringify(countMessage(meta.stageId, count, this.#cadence.pingEveryMs));
    for (const { socket } of sockets.open()) {
      try {
        socket.send(text);
      } catch {
        // Closing meanwhile.
      }
    }
    return true;
  }

  /** The next regular flush: just after the next slot starts, shards spread over 1.5 s. */
  #nextRegular(nowMs: number): number {
    const spreadMs = 300 + Math.floor(Math.random() * 1_500);
    return nextSlotStartMs(nowMs, this.#cadence.intervalSec) + spreadMs;
  }
}

/** A flush's outcome with what it was asked and how many viewers the shard had then. */
interface Flushed {
  outcome: FlushOutcome;
  plan: FlushPlan;
  present: number;
  full: boolean;
}
