import { describe, expect, it } from "vitest";
import { itemBytes, numberBytes, utf8Bytes, valueBytes, writeUnitsFor } from "./item-size";

describe("DynamoDB item size", () => {
  it("counts strings in UTF-8 bytes, names included", () => {
    expect(utf8Bytes("abc")).toBe(3);
    expect(utf8Bytes("é")).toBe(2);
    expect(utf8Bytes("直播")).toBe(6);
    expect(itemBytes({ pk: "STAGE#a" })).toBe(2 + 7);
  });

  it("counts numbers by significant digits, rounding up", () => {
    expect(numberBytes(0)).toBe(1);
    expect(numberBytes(7)).toBe(2); // 1 digit
    expect(numberBytes(30)).toBe(2); // trailing zeros trimmed
    expect(numberBytes(12)).toBe(3); // 2 digits may straddle a pair: counted as 3
    expect(numberBytes(123)).toBe(3);
    expect(numberBytes(1_764_244_810)).toBe(6); // 9 significant digits
    expect(numberBytes(-5)).toBe(3);
  });

  it("adds 3 bytes per list or map and 1 per element", () => {
    expect(valueBytes([])).toBe(3);
    expect(valueBytes(["ab", 30])).toBe(3 + 1 + 2 + 1 + 2);
    expect(valueBytes([["ab", 30]])).toBe(3 + 1 + 9);
    expect(valueBytes({ a: true })).toBe(3 + 1 + 1 + 1);
    expect(itemBytes({ ok: true, gone: undefined, none: null })).toBe(3 + 5);
  });

  it("turns sizes into write units, 1 per started KB", () => {
    expect(writeUnitsFor(1)).toBe(1);
    expect(writeUnitsFor(1024)).toBe(1);
    expect(writeUnitsFor(1025)).toBe(2);
  });
});
