import { describe, expect, it } from "vitest";
import { closeProblem, socketCloseOutcome } from "./socket-close";

describe("socketCloseOutcome", () => {
  it.each([
    [4401, { kind: "refresh" }],
    [4400, { kind: "fatal" }],
    [4403, { kind: "fatal" }],
    [4404, { kind: "fatal" }],
    [4410, { kind: "fatal" }],
    [4429, { kind: "reconnect", serverWentAway: false }],
    [4503, { kind: "reconnect", serverWentAway: false }],
    [1011, { kind: "reconnect", serverWentAway: false }],
    [1000, { kind: "reconnect", serverWentAway: false }],
    [1001, { kind: "reconnect", serverWentAway: true }],
    [1006, { kind: "reconnect", serverWentAway: true }],
    [1012, { kind: "reconnect", serverWentAway: true }],
    [3000, { kind: "reconnect", serverWentAway: false }],
  ])("close %i: %o", (code, outcome) => {
    expect(socketCloseOutcome(code)).toEqual(outcome);
  });
});

describe("closeProblem", () => {
  it("is the server's problem when it sent one, else made from the code", () => {
    const sent = { type: "/problems/stage_ended" as const, title: "Ended", status: 410 };
    expect(closeProblem(4410, "stage_ended", sent)).toBe(sent);
    expect(closeProblem(4410, "stage_ended", undefined)).toEqual({
      type: "about:blank",
      title: "HTTP 410",
      status: 410,
      detail: "stage_ended",
    });
    expect(closeProblem(1012, "", undefined)).toMatchObject({
      status: 0,
      detail: "close code 1012",
    });
  });
});
