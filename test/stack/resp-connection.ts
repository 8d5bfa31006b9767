import { connect, type Socket } from "node:net";
import { encodeCommand, parseReply, type RespValue } from "./resp";

export interface RespConnection {
  /**
   * Writes all `commands` in one socket write and resolves with their replies, in order.
   * Batches never interleave: Redis executes one connection's input in order, and replies are
   * handed out first-in first-out.
   */
  send(commands: readonly (readonly (string | Buffer)[])[]): Promise<RespValue[]>;
  close(): Promise<void>;
  /** False once the connection failed or closed: every later `send` would fail. */
  readonly open: boolean;
}

interface Pending {
  remaining: number;
  replies: RespValue[];
  resolve: (replies: RespValue[]) => void;
  reject: (error: Error) => void;
}

/** Opens one raw TCP connection to Redis (RESP2, no HELLO, no AUTH). */
export function openRespConnection(port: number, host = "127.0.0.1"): Promise<RespConnection> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ port, host });
    socket.setNoDelay(true);
    const queue: Pending[] = [];
    let buffer: Buffer = Buffer.alloc(0);
    let closedError: Error | undefined;

    const failAll = (error: Error) => {
      closedError ??= error;
      for (const pending of queue.splice(0)) pending.reject(closedError);
    };

    socket.on("data", (chunk: Buffer) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      let offset = 0;
      try {
        for (;;) {
          const parsed = parseReply(buffer, offset);
          if (parsed === undefined) break;
          offset = parsed.next;
          const head = queue[0];
          if (head === undefined) throw new Error("RESP reply with no command waiting for it");
          head.replies.push(parsed.value);
          head.remaining -= 1;
          if (head.remaining === 0) {
            queue.shift();
            head.resolve(head.replies);
          }
        }
      } catch (error) {
        failAll(error instanceof Error ? error : new Error(String(error)));
        socket.destroy();
        return;
      }
      buffer = buffer.subarray(offset);
    });
    socket.once("connect", () => {
      socket.off("error", reject);
      socket.on("error", (error) => failAll(error));
      resolve({
        send,
        close,
        get open() {
          return closedError === undefined && !socket.destroyed;
        },
      });
    });
    socket.once("error", reject);
    socket.on("close", () => failAll(new Error(`connection to Redis at ${host}:${port} closed`)));

    function send(commands: readonly (readonly (string | Buffer)[])[]): Promise<RespValue[]> {
      if (closedError) return Promise.reject(closedError);
      if (commands.length === 0) return Promise.resolve([]);
      return new Promise((resolveSend, rejectSend) => {
        queue.push({
          remaining: commands.length,
          replies: [],
          resolve: resolveSend,
          reject: rejectSend,
        });
        socket.write(Buffer.concat(commands.map((command) => encodeCommand(command))));
      });
    }

    function close(): Promise<void> {
      return new Promise((resolveClose) => {
        if (socket.destroyed) {
          resolveClose();
          return;
        }
        socket.once("close", () => resolveClose());
        socket.end();
        // A half-closed socket that Redis never finishes closing must not hang stop().
        setTimeout(() => socket.destroy(), 1000).unref();
      });
    }
  });
}
