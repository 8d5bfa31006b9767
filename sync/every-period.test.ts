import { describe, expect, it } from "vitest";
import { IntervalError, parseInterval } from "./every-period";

describe("parseInterval", () => {
  it("reads seconds, minutes and hours", () => {
    expect(parseInterval("30s")).toBe(30_000);
    expect(parseInterval("5m")).toBe(300_000);
    expect(parseInterval("1h")).toBe(3_600_000);
    expect(parseInterval(" 24h ")).toBe(86_400_000);
  });

  it.each(["5", "5min", "1.5m", "-5m", "0s", "25h", "", "m", "5 m", "5M"])(
    "refuses %j with a message naming the forms",
    (text) => {
      expect(() => parseInterval(text)).toThrow(IntervalError);
      expect(() => parseInterval(text)).toThrow(/30s|1s to 24h/);
    },
  );
});
