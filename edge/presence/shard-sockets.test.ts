import { describe, expect, it } from "vitest";
import type { HibernatingWebSocket } from "../worker-types";
import { OPEN, ShardSockets } from "./shard-sockets";
import type { SocketAttachment } from "./socket-viewers";

const CLOSING = 2;

function attachment(viewerId: string | null): SocketAttachment {
  return {
    viewerId,
    anonymous: false,
    audienceTag: "US|desktop",
    state: "playing",
    tokenExpiresAtMs: 0,
    joinedAtMs: 0,
    lastMessageAtMs: 0,
  };
}

/** A socket whose attachment reads are counted. */
function socket(viewerId: string | null, readyState = OPEN) {
  const fake = {
    readyState,
    reads: 0,
    send() {},
    close() {
      fake.readyState = CLOSING;
    },
    serializeAttachment() {},
    deserializeAttachment() {
      fake.reads++;
      return attachment(viewerId);
    },
  };
  return fake satisfies HibernatingWebSocket;
}

const viewerIds = (sockets: ShardSockets) => sockets.open().map((s) => s.attachment.viewerId);

describe("ShardSockets", () => {
  it("reads each open socket's attachment once, however often it is asked", () => {
    const [a, b, closed] = [socket("a"), socket(null), socket("c", CLOSING)];
    const sockets = new ShardSockets([a, b, closed]);
    expect(viewerIds(sockets)).toEqual(["a", null]);
    expect(viewerIds(sockets)).toEqual(["a", null]);
    expect([a.reads, b.reads, closed.reads]).toEqual([1, 1, 0]);
  });

  it("leaves out a socket closed since, and holds what was written meanwhile, new sockets last", () => {
    const [a, b, c] = [socket("a"), socket("b"), socket("c")];
    const sockets = new ShardSockets([a, b, c]);
    a.close();
    const paused = { ...attachment("b"), state: "paused" as const };
    sockets.written(b, paused);
    const joined = socket("d");
    sockets.written(joined, attachment("d"));
    const open = sockets.open();
    expect(open.map((s) => s.attachment.viewerId)).toEqual(["b", "c", "d"]);
    expect(open[0]!.attachment).toBe(paused);
    expect(joined.reads + b.reads).toBe(1);
  });
});
