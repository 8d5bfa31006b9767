/**
 * Credentials for the fuzz: the admin key, viewer tokens signed at send time, and tokens that
 * must be refused (for another stage, expired, signed with another key, put together by hand
 * with signatures of every length mod 4, or not tokens at all).
 */
import fc from "fast-check";
import type { Operation } from "./contract";
import type { AuthPlan, TokenSpec } from "./plan";

/** Tokens that are not tokens: the first one's signature has a base64url length of 1 mod 4. */
export const MALFORMED_TOKENS = [
  "eyJhbGciOiJIUzI1NiJ9.e30.A",
  "eyJhbGciOiJIUzI1NiJ9.e30.AAAAA",
  "eyJhbGciOiJIUzI1NiJ9.e30.",
  "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwic3RnIjoieCIsImV4cCI6OTk5OTk5OTk5OX0.",
  "eyJhbGciOiJIUzI1NiJ9.bnVsbA.AAAA",
  "eyJhbGciOiJIUzI1NiJ9.WzFd.AAAA",
  "eyJ=.e30=.AA==",
  "e30.e30.e30",
  "a.b.c",
  "..",
  "a.b.c.d",
  "%%%.%%%.%%%",
  "x",
  `${"A".repeat(3000)}.${"A".repeat(3000)}.${"A".repeat(3001)}`,
];

export const b64url = (text: string) => Buffer.from(text, "utf8").toString("base64url");

/** A viewer id: mostly a few that repeat (so heartbeats meet the rate limit), or any valid one. */
export const viewerId = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("alice", "bob", "carol", "anon:victim-0001") },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_.:@-]{1,128}$/) },
);

export const validToken: fc.Arbitrary<TokenSpec> = viewerId.map((v) => ({
  kind: "valid",
  viewerId: v,
}));

const TOKEN_HEADERS = [
  '{"alg":"HS256","typ":"JWT"}',
  '{"alg":"HS256"}',
  '{"alg":"none"}',
  '{"alg":"RS256"}',
  '{"alg":"hs256"}',
  "[]",
  "null",
];

/**
 * A token put together by hand: a header, claims (a viewer on some stage, or any JSON) and a
 * signature that cannot be right, of every length mod 4.
 */
const forgedToken = fc
  .tuple(
    fc.constantFrom(...TOKEN_HEADERS),
    fc.oneof(
      fc
        .tuple(viewerId, fc.integer({ min: 0, max: 2 ** 32 }))
        .map(([sub, exp]) => ({ sub, stg: "any", exp })),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    fc.string({ unit: fc.constantFrom(..."AZaz09-_".split("")), maxLength: 47 }),
  )
  .map(
    ([header, claims, signature]) =>
      `${b64url(header)}.${b64url(JSON.stringify(claims))}.${signature}`,
  );

/** Tokens that must be refused: for another stage, expired, forged, or not tokens at all. */
export const badToken: fc.Arbitrary<TokenSpec> = fc.oneof(
  fc
    .tuple(fc.constantFrom("otherStage", "expired", "wrongSecret" as const), viewerId)
    .map(([kind, v]) => ({ kind: kind as "otherStage" | "expired" | "wrongSecret", viewerId: v })),
  fc
    .oneof(
      { weight: 2, arbitrary: fc.constantFrom(...MALFORMED_TOKENS) },
      { weight: 3, arbitrary: forgedToken },
      // Base64url-ish parts, any number of them.
      {
        weight: 1,
        arbitrary: fc
          .array(fc.string({ unit: fc.constantFrom(..."AZaz09-_=+/".split("")), maxLength: 12 }), {
            minLength: 1,
            maxLength: 4,
          })
          .map((parts) => parts.join(".")),
      },
    )
    .map((value) => ({ kind: "literal" as const, value })),
);

/** Printable Latin-1 only: a header value fetch can carry (no NUL, CR, LF). */
const headerText = fc.string({
  unit: fc
    .integer({ min: 0x20, max: 0xff })
    .filter((c) => c !== 0x7f)
    .map((c) => String.fromCharCode(c)),
  maxLength: 60,
});

/** The credentials the operation's security asks for. */
export function validAuth(op: Operation): fc.Arbitrary<AuthPlan> {
  if (op.security.includes("adminKey")) return fc.constant({ kind: "admin" });
  if (op.security.includes("viewerToken")) {
    return fc.oneof(
      { weight: 4, arbitrary: validToken.map((token) => ({ kind: "token" as const, token })) },
      // The token in the body instead (bodyToken), or an anonymous id there.
      { weight: 1, arbitrary: fc.constant({ kind: "none" as const }) },
    );
  }
  return fc.constant({ kind: "none" });
}

/** Credentials that are missing, wrong, or for another kind of caller. */
export const hostileAuth: fc.Arbitrary<AuthPlan> = fc.oneof(
  fc.constant({ kind: "none" as const }),
  fc.constant({ kind: "admin" as const }),
  fc.constant({ kind: "token" as const, token: { kind: "valid" as const, viewerId: "alice" } }),
  { weight: 3, arbitrary: badToken.map((token) => ({ kind: "token" as const, token })) },
  fc
    .oneof(
      fc.constantFrom("Bearer", "Bearer ", "Basic YWRtaW46YWRtaW4=", "bearer", "Bearer a b"),
      headerText,
      headerText.map((t) => `Bearer ${t}`),
    )
    .map((value) => ({ kind: "header" as const, value })),
);
