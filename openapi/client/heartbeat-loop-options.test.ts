import { describe, expectTypeOf, it } from "vitest";
import type { FetchLike, PresenceClient } from "./create-client";
import type { HeartbeatLoopOptions, TokenSource } from "./heartbeat-loop-options";

/** Type-level checks, enforced by `tsc` (vitest only runs them). */
describe("HeartbeatLoopOptions", () => {
  const base = { baseUrl: "https://p.test", stageId: "s1" };

  it("takes exactly one of token and anonymous", () => {
    expectTypeOf({ ...base, token: "t" }).toExtend<HeartbeatLoopOptions>();
    expectTypeOf({ ...base, anonymous: true as const }).toExtend<HeartbeatLoopOptions>();
    expectTypeOf({ ...base }).not.toExtend<HeartbeatLoopOptions>();
    expectTypeOf({
      ...base,
      token: "t",
      anonymous: true as const,
    }).not.toExtend<HeartbeatLoopOptions>();
  });

  it("takes a client or a fetch, not both", () => {
    const client = {} as PresenceClient;
    const fetch = (() => Promise.resolve(new Response())) as FetchLike;
    expectTypeOf({ ...base, token: "t", client }).toExtend<HeartbeatLoopOptions>();
    expectTypeOf({ ...base, token: "t", fetch }).toExtend<HeartbeatLoopOptions>();
    expectTypeOf({ ...base, token: "t", client, fetch }).not.toExtend<HeartbeatLoopOptions>();
  });

  it("accepts token functions that ignore the refresh hint, sync or async", () => {
    expectTypeOf(() => "t").toExtend<TokenSource>();
    expectTypeOf(async () => "t").toExtend<TokenSource>();
    expectTypeOf(({ refresh }: { refresh: boolean }) =>
      refresh ? "a" : "b",
    ).toExtend<TokenSource>();
    expectTypeOf(() => 42).not.toExtend<TokenSource>();
  });
});
