/**
 * What every answer must satisfy, whatever was asked: no 5xx (no fault is injected), errors as
 * `application/problem+json` whose `status` is the HTTP status, and nothing in them that tells
 * an attacker about the code (a stack trace, a file path).
 */
import type { Operation } from "./contract";

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

/** The kinds of violation an answer shows (empty when it is a good answer). */
export function violations(
  op: Operation,
  response: { status: number; headers: Headers },
  text: string,
): string[] {
  const found: string[] = [];
  const { status } = response;
  if (status >= 500) found.push("server error");
  else if (!op.statuses.includes(status)) found.push("status not in the contract");
  if (status < 400) return found;
  const type = response.headers.get("content-type") ?? "";
  if (!/^application\/problem\+json\b/.test(type)) found.push("error not problem+json");
  let problem: unknown;
  try {
    problem = JSON.parse(text);
  } catch {
    found.push("error body not JSON");
    return found;
  }
  const p = (problem ?? {}) as Record<string, unknown>;
  if (typeof p.type !== "string" || typeof p.title !== "string") {
    found.push("problem without type or title");
  }
  if (p.status !== status) found.push("problem status differs from HTTP status");
  if (strings(problem).some((s) => LEAKS.some((leak) => leak.test(s)))) {
    found.push("problem leaks a stack trace or path");
  }
  return found;
}
