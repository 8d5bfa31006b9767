/**
 * A request plan: what the fuzz generates for one operation. It is data, not a Request: stage
 * ids, viewer tokens and cursors are references the runner resolves at send time against what
 * exists then (stages the run created, cursors it was handed, tokens signed on the test clock).
 */

/** A viewer token, signed at send time, or a literal string. */
export type TokenSpec =
  | { kind: "valid" | "otherStage" | "expired" | "wrongSecret"; viewerId: string }
  | { kind: "literal"; value: string };

/** A path segment or query value: text to percent-encode, or an already-encoded string. */
export type UrlValue =
  | { kind: "text"; value: string }
  | { kind: "encoded"; value: string }
  /** The n-th stage that exists (modulo how many do). */
  | { kind: "stage"; index: number }
  /** The n-th cursor this operation has answered so far. */
  | { kind: "seenCursor"; index: number }
  /** The same, with the time inside it moved to `iso`: well-formed, but another range's. */
  | { kind: "shiftedCursor"; index: number; iso: string };

export type BodyPlan =
  | { kind: "json"; value: unknown }
  | { kind: "text"; value: string }
  /** JSON text with bytes spliced in that are not UTF-8. */
  | { kind: "bytes"; json: unknown; insert: readonly number[] };

export type AuthPlan =
  | { kind: "none" }
  | { kind: "admin" }
  | { kind: "token"; token: TokenSpec }
  | { kind: "header"; value: string };

export interface RequestPlan {
  operationId: string;
  /** Which part was made hostile (`none`: a valid request). */
  hostile: string;
  path: Record<string, UrlValue>;
  query: [string, UrlValue][];
  body?: BodyPlan;
  /** A token to put in the body's `token` field (how `navigator.sendBeacon` sends one). */
  bodyToken?: TokenSpec;
  /** `undefined`: no Content-Type header. */
  contentType?: string;
  auth: AuthPlan;
  /** A new app instance (a fresh isolate, with empty caches) for this request. */
  freshIsolate: boolean;
  /** How far the test clock moves before the request (ms). */
  advanceMs: number;
}
