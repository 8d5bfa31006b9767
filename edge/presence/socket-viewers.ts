/**
 * The viewers a presence shard holds, as its sockets' attachments say. An attachment survives
 * hibernation (`serializeAttachment`), so the shard's memory can be rebuilt from its sockets
 * alone: who is there, what the player does, when the token expires, and the viewer's index
 * this hour once a flush handed it out.
 */

export type SocketState = "playing" | "paused" | "buffering";

/** A viewer's index this hour, with the epoch and data generation it belongs to. */
export interface HeldIndex {
  epoch: number;
  generation: string;
  index: number;
}

/** What one socket carries across hibernation (kept small: it is copied on every wake). */
export interface SocketAttachment {
  /** The viewer; null for a socket that only watches the count. */
  viewerId: string | null;
  anonymous: boolean;
  audienceTag: string;
  state: SocketState;
  /** When the viewer token expires (epoch ms); 0 for a watcher. */
  tokenExpiresAtMs: number;
  joinedAtMs: number;
  /** The last message the shard itself read (pings answered by the auto-response excluded). */
  lastMessageAtMs: number;
  index?: HeldIndex;
}

/** One viewer of the shard, however many sockets (tabs) it has open here. */
export interface ShardViewer {
  viewerId: string;
  anonymous: boolean;
  audienceTag: string;
  /** Whether any of its sockets says the player plays (earns watch time). */
  playing: boolean;
  /** Its index this epoch and generation, when a flush handed it out already. */
  index: number | undefined;
}

/**
 * The distinct viewers of the shard's sockets, by id: tabs of one viewer are one viewer, playing
 * if any tab plays. An index counts only when it belongs to `epoch` and `generation` (a new hour,
 * or a Redis that lost its data, voids it).
 */
export function shardViewers(
  attachments: Iterable<SocketAttachment>,
  epoch: number,
  generation: string | undefined,
): Map<string, ShardViewer> {
  const viewers = new Map<string, ShardViewer>();
  for (const socket of attachments) {
    if (socket.viewerId === null) continue;
    const held = socket.index;
    const index =
      held !== undefined && held.epoch === epoch && held.generation === generation
        ? held.index
        : undefined;
    const known = viewers.get(socket.viewerId);
    if (known === undefined) {
      viewers.set(socket.viewerId, {
        viewerId: socket.viewerId,
        anonymous: socket.anonymous,
        audienceTag: socket.audienceTag,
        playing: socket.state === "playing",
        index,
      });
      continue;
    }
    known.playing ||= socket.state === "playing";
    known.index ??= index;
  }
  return viewers;
}
