import { describe, expect, it } from "vitest";
import { RedisReplyError, scanPage, streamEntries } from "./sync-redis";

describe("raw Redis replies", () => {
  it("reads XRANGE entries as ids and text fields", () => {
    expect(streamEntries([["1-0", ["v", "1e5", "t", "17"]]])).toEqual([
      { id: "1-0", fields: { v: "1e5", t: "17" } },
    ]);
    expect(streamEntries([])).toEqual([]);
  });

  it("refuses a deserialized reply rather than trust mangled ids", () => {
    // What a client with automatic deserialization returns: "1e5" already turned into 100000.
    expect(() => streamEntries({ "1-0": { v: 100000, t: 17 } })).toThrow(RedisReplyError);
    expect(() => streamEntries({ "1-0": { v: 100000 } })).toThrow(/automaticDeserialization/);
    expect(() => scanPage(null)).toThrow(RedisReplyError);
  });

  it("reads SCAN and HSCAN pages", () => {
    expect(scanPage(["0", ["a", "b"]])).toEqual({ cursor: "0", keys: ["a", "b"] });
    expect(scanPage([17, []])).toEqual({ cursor: "17", keys: [] });
  });
});
