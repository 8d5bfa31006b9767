/**
 * Turns a request plan into the URL and RequestInit that are sent, resolving its references
 * (stages, cursors, tokens) against the world as it is at send time.
 */
import { STAGE_ID_PATTERN } from "@viewer-presence/tokens";
import type { Harness } from "../in-process/harness";
import type { Operation } from "./contract";
import type { BodyPlan, RequestPlan, TokenSpec, UrlValue } from "./plan";
import type { FuzzWorld } from "./world";

/** Percent-encodes text as UTF-8; a lone surrogate becomes its WTF-8 bytes, which no decoder accepts. */
export function percentEncode(text: string): string {
  let out = "";
  for (const char of text) {
    if (/^[A-Za-z0-9\-._~]$/.test(char)) {
      out += char;
      continue;
    }
    const code = char.codePointAt(0)!;
    const bytes =
      code >= 0xd800 && code <= 0xdfff
        ? [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        : [...Buffer.from(char, "utf8")];
    out += bytes.map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join("");
  }
  return out;
}

export function describeBody(body: BodyInit | null | undefined): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string")
    return body.length > 400 ? `${body.slice(0, 400)}… (${body.length} chars)` : body;
  const bytes = Buffer.from(body as Uint8Array);
  return `bytes(${bytes.length}): ${JSON.stringify(bytes.toString("latin1").slice(0, 400))}`;
}

/** The paths `op` answers: its template with each `{parameter}` one segment, maybe empty. */
export function pathPattern(op: Operation): RegExp {
  return new RegExp(`^${op.path.replace(/\{\w+\}/g, "[^/]*")}$`);
}

/** Turns a plan into a URL and RequestInit, resolving references against the world now. */
export async function buildRequest(op: Operation, plan: RequestPlan, world: FuzzWorld, h: Harness) {
  const stageIds: string[] = [];
  const resolveValue = (value: UrlValue): string => {
    switch (value.kind) {
      case "stage":
        return world.stage(value.index);
      case "seenCursor":
        return world.cursor(op.operationId, value.index) ?? "AAAA";
      case "shiftedCursor": {
        const seen = world.cursor(op.operationId, value.index);
        if (seen === undefined) return "AAAA";
        const key = Buffer.from(seen, "base64url").toString("utf8");
        const shifted = key.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/, value.iso);
        return Buffer.from(shifted, "utf8").toString("base64url");
      }
      case "encoded":
        return value.value;
      case "text":
        return percentEncode(value.value);
    }
  };
  let pathStageId: string | undefined;
  const url = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = plan.path[name]!;
    const encoded = resolveValue(value);
    const text = value.kind === "stage" ? encoded : value.kind === "text" ? value.value : undefined;
    if (text !== undefined && STAGE_ID_PATTERN.test(text)) {
      pathStageId = text;
      stageIds.push(text);
    }
    return encoded;
  });
  const query = plan.query.map(([name, value]) => `${percentEncode(name)}=${resolveValue(value)}`);
  const headers: Record<string, string> = {};
  if (plan.contentType !== undefined) headers["content-type"] = plan.contentType;
  const sign = (spec: TokenSpec) => world.token(spec, pathStageId, h.clock.nowMs);
  switch (plan.auth.kind) {
    case "admin":
      headers.authorization = `Bearer ${h.env.ADMIN_API_KEY}`;
      break;
    case "token":
      headers.authorization = `Bearer ${await sign(plan.auth.token)}`;
      break;
    case "header":
      headers.authorization = plan.auth.value;
      break;
  }
  const init: RequestInit = { method: op.method, headers };
  if (plan.body !== undefined) {
    const { body, id } = serializeBody(
      plan.body,
      plan.bodyToken ? await sign(plan.bodyToken) : undefined,
    );
    init.body = body;
    if (id !== undefined && STAGE_ID_PATTERN.test(id)) stageIds.push(id);
  }
  return { url: query.length === 0 ? url : `${url}?${query.join("&")}`, init, stageIds };
}

/** The body's bytes; a token, when given, goes in the `token` field of an object body. */
function serializeBody(plan: BodyPlan, token: string | undefined) {
  if (plan.kind === "text") return { body: plan.value, id: undefined };
  const generated = plan.kind === "json" ? plan.value : plan.json;
  const isObject = generated !== null && typeof generated === "object" && !Array.isArray(generated);
  // A copy: generated values are not ours to change.
  const value = isObject && token !== undefined ? { ...generated, token } : generated;
  const named = isObject ? (generated as { id?: unknown }).id : undefined;
  const id = typeof named === "string" ? named : undefined;
  const json = JSON.stringify(value) ?? "";
  if (plan.kind === "json") return { body: json, id };
  // Bytes that are not UTF-8, spliced in at the start of the first string value.
  const bytes = Buffer.from(json, "utf8");
  const at = json.indexOf(':"') >= 0 ? Buffer.byteLength(json.slice(0, json.indexOf(':"') + 2)) : 0;
  return {
    body: new Uint8Array(
      Buffer.concat([bytes.subarray(0, at), Buffer.from(plan.insert), bytes.subarray(at)]),
    ),
    id,
  };
}
