import { describe, expect, it } from "vitest";
import { agreeing, formatDecimal, formatQuantity } from "./format";

describe("plural agreement", () => {
  it("one for exactly 1, other for 0, fractions and many", () => {
    expect(formatQuantity(1, "viewer", "viewers")).toBe("1 viewer");
    expect(formatQuantity(0, "viewer", "viewers")).toBe("0 viewers");
    expect(formatQuantity(12_345, "stage", "stages")).toBe("12,345 stages");
    expect(formatQuantity(1.5, "viewer", "viewers", formatDecimal)).toBe("1.5 viewers");
    expect(formatQuantity(1, "viewer", "viewers", formatDecimal)).toBe("1 viewer");
    expect(agreeing(2, " viewer now", " viewers now")).toBe(" viewers now");
  });
});
