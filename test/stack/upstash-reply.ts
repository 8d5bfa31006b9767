import { RespError, type RespValue, SimpleString } from "./resp";

/** Which REST endpoint a request came to: `/`, `/pipeline` or `/multi-exec`. */
export type Mode = "single" | "pipeline" | "multi-exec";

type Entry = { result: unknown } | { error: string };

/**
 * Turns the RESP replies of one request into the HTTP status and JSON body Upstash answers
 * with. For `multi-exec`, `replies` are MULTI's "+OK", one "+QUEUED" (or queue-time error) per
 * command, then EXEC's reply; only EXEC's array is shown, one entry per command inside.
 */
export function shapeReply(mode: Mode, replies: RespValue[], base64: boolean): [number, unknown] {
  if (mode === "single") {
    const only = replies[0] ?? null;
    return only instanceof RespError
      ? [400, { error: only.message }]
      : [200, { result: encode(only, base64, true) }];
  }
  if (mode === "pipeline") return [200, replies.map((r) => entry(r, base64))];
  const exec = replies.at(-1) ?? null;
  if (exec instanceof RespError) return [400, { error: exec.message }];
  if (!Array.isArray(exec)) return [400, { error: "EXECABORT Transaction aborted" }];
  return [200, exec.map((r) => entry(r, base64))];
}

function entry(value: RespValue, base64: boolean): Entry {
  return value instanceof RespError
    ? { error: value.message }
    : { result: encode(value, base64, true) };
}

/**
 * Upstash's JSON form of a reply: integers as numbers, nil as null, arrays recursively, and
 * every string (bulk or status) as UTF-8 text, or with `base64` as base64 of its raw bytes,
 * except a top-level status "OK", which the client checks for verbatim.
 */
function encode(value: RespValue, base64: boolean, topLevel: boolean): unknown {
  if (value === null || typeof value === "number") return value;
  if (Array.isArray(value)) return value.map((item) => encode(item, base64, false));
  if (value instanceof SimpleString) {
    if (topLevel && value.value === "OK") return "OK";
    return base64 ? Buffer.from(value.value, "utf8").toString("base64") : value.value;
  }
  if (value instanceof RespError) {
    // Only reachable nested inside an array (e.g. a script returning a table with an error).
    return base64 ? Buffer.from(value.message, "utf8").toString("base64") : value.message;
  }
  return value.toString(base64 ? "base64" : "utf8");
}
