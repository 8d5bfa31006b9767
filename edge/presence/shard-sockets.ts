import type { HibernatingWebSocket } from "../worker-types";
import type { SocketAttachment } from "./socket-viewers";

/** `WebSocket.OPEN`. */
export const OPEN = 1;

/** A socket still open, with its attachment. */
export interface OpenSocket {
  socket: HibernatingWebSocket;
  attachment: SocketAttachment;
}

/**
 * A presence shard's sockets with their attachments, read ONCE per alarm (edge/presence-shard.ts).
 * Each `deserializeAttachment` is a structured-clone read, and a shard of 10,000 sockets with an
 * alarm a second would read them several times a second if every step of the alarm (its own
 * pass, the flush's plan, the indexes after it, the push) read them again.
 *
 * The alarm's flush awaits Redis, and the input gate lets the shard's other events in meanwhile
 * (upgrades, messages, closes): the shard records here every attachment it writes during the
 * alarm ({@link written}), and a socket that closes is left out by its `readyState`, so what the
 * alarm reads after its flush is what the sockets hold then, as a second read would be.
 */
export class ShardSockets {
  /** In the order the runtime listed them, sockets opened during the alarm last. */
  readonly #attachments = new Map<HibernatingWebSocket, SocketAttachment>();

  /** Reads the open sockets' attachments (`sockets`: the runtime's `getWebSockets()`). */
  constructor(sockets: Iterable<HibernatingWebSocket>) {
    for (const socket of sockets) {
      if (socket.readyState !== OPEN) continue;
      this.#attachments.set(socket, socket.deserializeAttachment() as SocketAttachment);
    }
  }

  /** The sockets open now, with their attachments as last written. */
  open(): OpenSocket[] {
    const open: OpenSocket[] = [];
    for (const [socket, attachment] of this.#attachments) {
      if (socket.readyState === OPEN) open.push({ socket, attachment });
    }
    return open;
  }

  /** The shard wrote `attachment` to `socket` (a socket it accepted, or one of these). */
  written(socket: HibernatingWebSocket, attachment: SocketAttachment): void {
    this.#attachments.set(socket, attachment);
  }
}
