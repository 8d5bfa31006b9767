import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ANONYMOUS_SESSION_PERIOD_SEC, ANONYMOUS_SESSIONS_PER_PERIOD } from "./anonymous-sessions";

describe("anonymous session limit", () => {
  it("is the same in wrangler.toml's Rate Limiting binding as in the fallback", () => {
    const toml = readFileSync(new URL("../../wrangler.toml", import.meta.url), "utf8");
    const binding =
      /name = "ANONYMOUS_SESSIONS"\n[^[]*?simple = \{ limit = (\d+), period = (\d+) \}/.exec(toml);
    expect(binding?.slice(1).map(Number)).toEqual([
      ANONYMOUS_SESSIONS_PER_PERIOD,
      ANONYMOUS_SESSION_PERIOD_SEC,
    ]);
  });
});
