/**
 * What every answer must satisfy, whatever was asked: no 5xx (no fault is injected), errors as
 * `application/problem+json` whose `status` is the HTTP status, and nothing in them that tells
 * an attacker about the code (a stack trace, a file path).
 */
import type { Operation } from "./contract";
import { schemaErrors } from "./schema-check";

export interface Violation {
  kind: string;
  detail?: string;
}

/** Marks of a stack trace or a path on this machine; fuzz input never contains these. */
const LEAKS = [
  /\n\s+at\s/,
  /\bat .*\(.*:\d+:\d+\)/,
  /file:\/\//,
  /node_modules/,
  /\.(?:ts|js|mjs|cjs):\d+/,
  /\/(?:work|home|root|usr|tmp)\//,
];

function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([key, inner]) => [key, ...strings(inner)]);
  }
  return [];
}

/** What is wrong with an answer (empty when it is a good answer). */
export function violations(
  op: Operation,
  response: { status: number; headers: Headers },
  text: string,
): Violation[] {
  const found: Violation[] = [];
  const { status } = response;
  const type = response.headers.get("content-type") ?? "";
  if (status >= 500) found.push({ kind: "server error" });
  else if (!op.statuses.includes(status)) found.push({ kind: "status not in the contract" });
  if (status < 400) {
    const schema = op.responses[String(status)]?.[type.split(";")[0]!.trim()];
    if (schema !== undefined && type.startsWith("application/json")) {
      const errors = schemaErrors(schema, JSON.parse(text));
      if (errors.length > 0) {
        found.push({
          kind: "answer does not match the contract",
          detail: errors.slice(0, 3).join("; "),
        });
      }
    }
    return found;
  }
  if (!/^application\/problem\+json\b/.test(type)) found.push({ kind: "error not problem+json" });
  let problem: unknown;
  try {
    problem = JSON.parse(text);
  } catch {
    found.push({ kind: "error body not JSON" });
    return found;
  }
  const p = (problem ?? {}) as Record<string, unknown>;
  if (typeof p.type !== "string" || typeof p.title !== "string") {
    found.push({ kind: "problem without type or title" });
  }
  if (p.status !== status) found.push({ kind: "problem status differs from HTTP status" });
  if (strings(problem).some((s) => LEAKS.some((leak) => leak.test(s)))) {
    found.push({ kind: "problem leaks a stack trace or path" });
  }
  return found;
}
