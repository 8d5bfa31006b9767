import fc from "fast-check";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import * as schemas from "../schemas/presence-socket";
import { PROBLEM_TYPES } from "../schemas/problem";
import {
  isCountMessage,
  isProblemMessage,
  parseServerFrame,
  presenceSocketUrl,
  SOCKET_CLOSE_LEFT,
  SOCKET_CLOSE_PROBLEM_BASE,
  SOCKET_PING,
  SOCKET_PONG,
  type SocketClientMessage,
  type SocketCountMessage,
  type SocketProblemMessage,
  type SocketServerMessage,
} from "./socket-protocol";

/**
 * The client restates the protocol without zod (socket-protocol.ts); here it is held to the one
 * definition, the schemas the edge parses with.
 */
describe("the client's copy of the socket protocol", () => {
  it("has the schemas' constants", () => {
    expect(SOCKET_PING).toBe(schemas.SOCKET_PING);
    expect(SOCKET_PONG).toBe(schemas.SOCKET_PONG);
    expect(SOCKET_CLOSE_LEFT).toBe(schemas.SOCKET_CLOSE.left);
    expect(SOCKET_CLOSE_PROBLEM_BASE).toBe(schemas.SOCKET_CLOSE.problemBase);
  });

  it("has the schemas' types", () => {
    expectTypeOf<SocketCountMessage>().toEqualTypeOf<schemas.SocketCountMessage>();
    expectTypeOf<SocketClientMessage>().toEqualTypeOf<schemas.SocketClientMessage>();
    expectTypeOf<SocketProblemMessage>().toEqualTypeOf<
      z.infer<typeof schemas.SocketProblemMessageSchema>
    >();
    expectTypeOf<SocketServerMessage>().toEqualTypeOf<schemas.SocketServerMessage>();
  });

  const count = {
    type: "count",
    stageId: "concert-42",
    viewers: 1234,
    estimated: false,
    asOf: "2026-12-07T12:00:00.000Z",
    pingEveryMs: 30_000,
  };
  const problem = {
    type: "problem",
    problem: { type: "/problems/stage_ended", title: "Stage ended", status: 410, detail: "x" },
  };

  it.each([
    ["a count", count],
    ["a problem", problem],
    ["a count without a fraction of a second", { ...count, asOf: "2026-12-07T12:00:00Z" }],
    ["a count of 0 viewers", { ...count, viewers: 0 }],
    ["a count with an extra member", { ...count, extra: 1 }],
    ["a count with a negative count", { ...count, viewers: -1 }],
    ["a count with a fractional count", { ...count, viewers: 1.5 }],
    ["a count with a ping below 1 s", { ...count, pingEveryMs: 999 }],
    ["a count with a bad stage id", { ...count, stageId: "a/b" }],
    ["a count with a local time", { ...count, asOf: "2026-12-07T12:00:00+01:00" }],
    ["a count without estimated", { ...count, estimated: undefined }],
    [
      "a problem without a status",
      { type: "problem", problem: { type: "/problems/x", title: "x" } },
    ],
    ["a pong object", { type: "pong" }],
  ])("agrees with the schema on %s", (_, value) => {
    const clean = JSON.parse(JSON.stringify(value));
    const guard = isCountMessage(clean) || isProblemMessage(clean);
    expect(guard).toBe(schemas.SocketServerMessageSchema.safeParse(clean).success);
  });

  it("agrees with the count schema on generated counts", () => {
    const member = fc.oneof(
      fc.constantFrom("count", "problem", "x"),
      fc.integer({ min: -5, max: 100_000 }),
      fc.double(),
      fc.boolean(),
      fc.stringMatching(/^[A-Za-z0-9_/-]{0,70}$/),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    );
    const candidate = fc.record(
      {
        type: fc.oneof(fc.constant("count"), member),
        stageId: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), member),
        viewers: fc.oneof(fc.nat(), member),
        estimated: fc.oneof(fc.boolean(), member),
        asOf: fc.oneof(
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          member,
        ),
        pingEveryMs: fc.oneof(fc.integer({ min: 1000, max: 120_000 }), member),
        extra: member,
      },
      { requiredKeys: ["type"] },
    );
    fc.assert(
      fc.property(candidate, (value) => {
        expect(isCountMessage(value)).toBe(
          schemas.SocketCountMessageSchema.safeParse(value).success,
        );
      }),
      { numRuns: 2_000 },
    );
  });

  it("accepts every problem the schema accepts", () => {
    for (const type of PROBLEM_TYPES) {
      const message = { type: "problem", problem: { type, title: "t", status: 503 } };
      expect(schemas.SocketProblemMessageSchema.safeParse(message).success).toBe(true);
      expect(isProblemMessage(message)).toBe(true);
    }
  });

  it("reads frames: a count, the pong, and ignores what it does not know", () => {
    expect(parseServerFrame(JSON.stringify(count))).toEqual(count);
    expect(parseServerFrame(SOCKET_PONG)).toBe("pong");
    expect(parseServerFrame('{"type":"news"}')).toBeUndefined();
    expect(parseServerFrame("not json")).toBeUndefined();
    expect(parseServerFrame(new ArrayBuffer(4))).toBeUndefined();
  });

  it("builds the upgrade URL the query schema reads", () => {
    const url = presenceSocketUrl({
      baseUrl: "https://presence.example.com/",
      stageId: "concert-42",
      query: { token: "a.b.c", state: "paused" },
    });
    expect(url).toBe(
      "wss://presence.example.com/v1/stages/concert-42/presence?token=a.b.c&state=paused",
    );
    const query = Object.fromEntries(new URL(url).searchParams);
    expect(schemas.PresenceSocketQuerySchema.safeParse(query).success).toBe(true);
    expect(
      presenceSocketUrl({
        baseUrl: "http://127.0.0.1:8787",
        stageId: "s",
        query: { watch: "true" },
      }),
    ).toBe("ws://127.0.0.1:8787/v1/stages/s/presence?watch=true");
  });
});
